// steadysocket demo page: plain script, no framework, no build step.
// The library comes from dist/steadysocket.umd.min.js as the global `steadysocket`
// (see index.html). The part worth copying is createSocket() and wire().
(() => {
  const $ = (id) => document.getElementById(id);
  const EVENTS = [
    'open',
    'message',
    'close',
    'error',
    'statechange',
    'reconnecting',
    'drop',
    'giveup',
    'pong',
    'invalid',
  ];
  const LOG_MAX = 400;
  const PLOT_MAX = 120; // pongs kept for the RTT plot; it shows as many as fit, one dot each
  // The version the generated snippet pins. `npm run demo` serves package.json's
  // version in /status, which wins; this one is for a page opened from disk, and
  // test/browser/demo.test.ts checks that it equals package.json's.
  const VERSION = '0.2.0';
  // Library defaults the page shows when a setting is left blank.
  const DEFAULTS = { queueMax: 1000, heartbeatInterval: 20000 };

  let socket = null; // the current SteadySocket
  let wiring = null; // AbortController for the current socket's listeners
  let socketUrl = '';
  let local = null; // the demo server's /status while this page is served by `npm run demo`
  let retry = null; // { attempt, delay, at } from the last `reconnecting` event
  let gaveUp = 0;
  let dropped = 0;
  let applied = null; // readSettings() of the current socket
  let rtts = []; // { t, rtt } per pong, at most PLOT_MAX
  let cuts = []; // times of `close` events, drawn across the RTT plot
  let count = 0;

  if (!window.steadysocket || typeof window.steadysocket.SteadySocket !== 'function') {
    fatal(
      'The library did not load: <code>../dist/steadysocket.umd.min.js</code> is missing. ' +
        'Build it with <code>npx rollup -c</code>, or start the demo with <code>npm run demo</code>, which builds it for you.',
    );
    return;
  }

  // ── the socket ──────────────────────────────────────────────────────────

  /** Reads the settings form into plain values (blank = library default). */
  function readSettings() {
    const num = (id) => {
      const v = $(id).value.trim();
      return v === '' ? undefined : Number(v);
    };
    return {
      heartbeat: $('hb-on').checked && { interval: num('hb-interval'), timeout: num('hb-timeout') },
      queue: $('q-on').checked && { max: num('q-max'), overflow: $('q-overflow').value, ttl: num('q-ttl') },
      reconnect: { minDelay: num('r-min'), maxDelay: num('r-max'), maxRetries: num('r-retries') },
      connectTimeout: num('r-timeout'),
    };
  }

  // Heartbeat frames are binary: the Send box only sends text, so nothing a person
  // types (not even 'ping' or 'pong') can pass for one. The local server answers
  // the byte 9 with the byte 10 (the numbers of the protocol's own ping and pong
  // opcodes); a plain echo server sends the 9 straight back, which counts too.
  // binaryType 'arraybuffer' makes the frame readable synchronously in isPong.
  const PING = new Uint8Array([9]);
  const isPong = (data) =>
    data instanceof ArrayBuffer && data.byteLength === 1 && [9, 10].includes(new Uint8Array(data)[0]);
  // The library's `pong` event gives rtt in whole ms (its clock is Date.now);
  // performance.now() around the same ping gives a finer figure for the plot.
  let pingAt; // performance.now() when the outstanding ping went out
  const ping = () => {
    pingAt = performance.now();
    return PING;
  };

  // The Validation panel's schema: a Standard Schema v1 written by hand (zod, valibot or
  // arktype give the same shape). `reading` payloads must be { celsius: <finite number> }.
  const readingSchema = {
    '~standard': {
      version: 1,
      vendor: 'demo',
      validate(v) {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return { issues: [{ message: 'expected an object' }] };
        if (typeof v.celsius !== 'number' || !Number.isFinite(v.celsius))
          return {
            issues: [{ message: `celsius: expected a number, got ${JSON.stringify(v.celsius)}`, path: ['celsius'] }],
          };
        return { value: v };
      },
    },
  };

  /** The options object passed to the constructor, without undefined values. */
  function buildOptions(cfg) {
    const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const options = {
      startClosed: true, // the Connect button calls open()
      binaryType: 'arraybuffer',
      reconnect: clean(cfg.reconnect),
      queue: cfg.queue ? clean(cfg.queue) : false,
      schemas: { reading: readingSchema },
    };
    if (cfg.connectTimeout !== undefined) options.connectTimeout = cfg.connectTimeout;
    if (cfg.heartbeat) options.heartbeat = { ...clean(cfg.heartbeat), message: ping, isPong };
    return options;
  }

  // "Share one connection across tabs": remembered in localStorage, so every tab of this
  // site (one opened from this one included) starts with the same setting.
  const SHARE_KEY = 'steadysocket-demo:share';
  const canShareLib = () => typeof window.steadysocketShared?.SharedSteadySocket === 'function';
  function sharing() {
    return $('share-on').checked && canShareLib();
  }

  function createSocket(url) {
    const cfg = readSettings();
    // SharedSteadySocket takes every SteadySocket option (plus `key`): the same options object.
    // The url, reconnect, heartbeat and connectTimeout run in the leader's tab; the queue,
    // channels and schemas in each tab.
    const s = sharing()
      ? new steadysocketShared.SharedSteadySocket(url, undefined, buildOptions(cfg))
      : new steadysocket.SteadySocket(url, undefined, buildOptions(cfg));
    applied = cfg;
    showCode(cfg);
    return s;
  }

  /** Subscribes the page to a socket; everything is removed by wiring.abort(). */
  function wire(s) {
    wiring = new AbortController();
    const { signal } = wiring;
    for (const type of EVENTS) s.addEventListener(type, onEvent, { signal });
    s.addEventListener(
      'leaderchange',
      (e) => {
        log('leaderchange', e.leader ? 'this tab holds the shared connection' : 'this tab no longer leads');
        showShare();
      },
      { signal },
    );

    // Typed channels on the default JSON envelope.
    const offChat = s.channel('chat').on((data) => addChat('in', data?.text));
    const offCount = s.channel('count').on((n) => {
      $('count-echo').textContent = String(n);
    });
    // Conversations. Replies to this page's requests settle their request and reach no
    // handler; a handler here only ever sees a reply that came late (after a timeout or
    // Cancel): an ordinary channel message, as the API says.
    const offLate = REQ_CHANNELS.map((name) => s.channel(name).on((data, ev) => onLateReply(name, data, ev)));
    const offTick = s.channel('tick').on(onTick);
    // Validated: only payloads the schema accepted get here; the others give `invalid`.
    const offReading = s.channel('reading').on(onReading);
    // The page's subscriptions live on whichever socket is current: held again on a new one.
    for (const [topic, sub] of subs) sub.stop = subscribeOn(s, topic);
    signal.addEventListener('abort', () => {
      offChat();
      offCount();
      for (const off of offLate) off();
      offTick();
      offReading();
      for (const sub of subs.values()) sub.stop?.();
    });
  }

  /** Replaces the socket (new URL or new settings); keeps it running if it was. */
  function replaceSocket(url, why, errorEl = $('url-error')) {
    const wasActive = socket && socket.state !== 'closed';
    let next;
    try {
      next = createSocket(url); // throws SyntaxError for a bad URL, TypeError/RangeError for bad options
    } catch (err) {
      hideErrors();
      errorEl.textContent = `${err.name}: ${err.message}`;
      errorEl.hidden = false;
      return false;
    }
    hideErrors();
    if (socket) {
      // close while still listening: messages queued on the old socket show up as drops in the log
      socket.close(1000, why);
      wiring.abort();
      log('demo', `socket re-created: ${why}`);
    }
    socket = next;
    socketUrl = url;
    retry = null;
    gaveUp = 0;
    rtts = [];
    cuts = [];
    pingAt = undefined;
    drawRtt();
    wire(socket);
    setState(socket.state);
    if (wasActive) socket.open();
    return true;
  }

  function onEvent(e) {
    // The added events carry their fields on the event itself: e.from, e.delay, e.rtt…
    switch (e.type) {
      case 'open':
        log('open', `${socket.url}${socket.protocol ? ` · protocol ${socket.protocol}` : ''}`);
        retry = null;
        break;
      case 'message':
        log('message', preview(e.data), isTick(e.data) ? 'is-tick' : '');
        onReceived(e.data);
        break;
      case 'invalid':
        log('invalid', `${e.channel}: ${preview(JSON.stringify(e.data))} · ${issueText(e.issues)}`);
        onInvalid(e);
        break;
      case 'close':
        log('close', `code ${e.code} · wasClean ${e.wasClean}${e.reason ? ` · reason "${e.reason}"` : ''}`);
        cuts.push(Date.now());
        drawRtt();
        break;
      case 'error': {
        const err = e.error;
        log('error', err ? `${err.name || 'Error'}: ${err.message}` : 'connection failed');
        break;
      }
      case 'statechange':
        log('statechange', `${e.from} → ${e.to}`);
        setState(e.to, e.from);
        break;
      case 'reconnecting': {
        retry = { attempt: e.attempt, delay: e.delay, at: performance.now() + e.delay };
        log('reconnecting', `attempt ${e.attempt} in ${fmtMs(e.delay)}`);
        break;
      }
      case 'drop':
        dropped++;
        if (sending && e.data === sending.data) sending.hit = true;
        log('drop', `${e.reason} · ${preview(e.data)}`);
        break;
      case 'giveup':
        gaveUp = e.attempts;
        retry = null;
        log('giveup', `after ${gaveUp} failed attempts`);
        break;
      case 'pong': {
        const rtt = pingAt === undefined ? e.rtt : performance.now() - pingAt;
        pingAt = undefined;
        log('pong', `rtt ${fmtRtt(rtt)}`);
        rtts.push({ t: Date.now(), rtt });
        if (rtts.length > PLOT_MAX) rtts.shift();
        drawRtt();
        break;
      }
    }
    tick(); // don't wait for the next 100 ms poll
  }

  // ── controls ────────────────────────────────────────────────────────────

  function currentUrl() {
    return $('url').value.trim();
  }

  $('btn-open').onclick = () => {
    const url = currentUrl();
    if (!socket || url !== socketUrl) {
      if (!replaceSocket(url, 'new endpoint')) return;
    }
    gaveUp = 0;
    const odd = urlOddity(url);
    if (odd) log('demo', `the URL looks mistyped: ${odd}`);
    socket.open();
  };
  $('btn-close').onclick = () => socket?.close(1000, 'closed from the demo page');
  $('btn-reconnect').onclick = () => {
    if (!socket || currentUrl() !== socketUrl) return $('btn-open').onclick();
    gaveUp = 0;
    socket.reconnect();
  };

  $('settings-form').onsubmit = (e) => {
    e.preventDefault();
    replaceSocket(socketUrl || currentUrl(), 'settings applied', $('settings-error'));
  };

  let sending = null; // { data, hit } while socket.send() runs: a `drop` of this very message sets hit
  function send(data) {
    if (!socket && !replaceSocket(currentUrl(), 'new endpoint')) return;
    const wasOpen = socket.state === 'open';
    const call = { data, hit: false };
    sending = call;
    try {
      socket.send(data);
    } catch (err) {
      log('error', `send threw ${err.name}: ${err.message}`);
      return;
    } finally {
      sending = null;
    }
    const how = call.hit ? 'dropped' : wasOpen && socket.queued === 0 ? 'sent' : 'queued';
    log('send', `${preview(data)} · ${how}`);
    if (how === 'sent') {
      pending.set(data, performance.now());
      if (pending.size > 50) pending.delete(pending.keys().next().value);
    }
  }

  // Echo timing matches frames by content: a public server may greet first or interleave.
  const pending = new Map(); // text sent while open -> performance.now() at send
  function onReceived(data) {
    $('last-in').textContent = preview(data);
    const sentAt = pending.get(data);
    if (sentAt === undefined) return;
    pending.delete(data);
    $('echo-rtt').textContent = fmtRtt(performance.now() - sentAt);
  }

  $('send-form').onsubmit = (e) => {
    e.preventDefault();
    const text = $('send-text').value;
    if (text) send(text);
  };
  let burst = 0;
  $('btn-burst').onclick = () => {
    for (let i = 0; i < 10; i++) send(`burst ${++burst}`);
  };

  $('chat-form').onsubmit = (e) => {
    e.preventDefault();
    const text = $('chat-text').value.trim();
    if (!text) return;
    if (!socket && !replaceSocket(currentUrl(), 'new endpoint')) return;
    socket.channel('chat').send({ text });
    addChat('out', text);
    $('chat-text').value = '';
  };
  const bump = (d) => {
    if (!socket && !replaceSocket(currentUrl(), 'new endpoint')) return;
    count += d;
    $('count-local').textContent = String(count);
    socket.channel('count').send(count);
  };
  $('count-inc').onclick = () => bump(1);
  $('count-dec').onclick = () => bump(-1);

  // ── one connection for all tabs ────────────────────────────────────────

  /** The Tabs card: is the socket shared, and does this tab hold the connection? */
  function showShare() {
    const shared = Boolean(socket && 'leader' in socket);
    $('share-mode').textContent = shared ? 'SharedSteadySocket' : 'not shared';
    let role = '–';
    if (!socket) role = $('share-on').checked ? 'press Connect' : '–';
    else if (!shared) role = 'own connection (sharing off)';
    else if (socket.state === 'closed') role = 'closed';
    else role = socket.leader ? 'leader' : 'follower';
    const el = $('share-role');
    el.textContent = role;
    el.dataset.role = shared && socket.state !== 'closed' ? (socket.leader ? 'leader' : 'follower') : '';
  }

  const shareBox = $('share-on');
  try {
    shareBox.checked = localStorage.getItem(SHARE_KEY) === 'on';
  } catch {} // storage off: the box starts unchecked
  if (!canShareLib()) {
    shareBox.checked = false;
    shareBox.disabled = true;
    shareBox.parentElement.title = '../dist/steadysocket.shared.umd.min.js did not load';
  }
  shareBox.onchange = () => {
    try {
      localStorage.setItem(SHARE_KEY, shareBox.checked ? 'on' : 'off');
    } catch {}
    // a running socket is re-created as the other kind (and keeps running if it was)
    if (socket) replaceSocket(socketUrl || currentUrl(), shareBox.checked ? 'sharing on' : 'sharing off');
    else showCode(readSettings());
    showShare();
  };

  // ── endpoint picker ─────────────────────────────────────────────────────

  const endpoint = $('endpoint');
  endpoint.onchange = () => {
    const v = endpoint.value;
    if (v === 'custom') return $('url').focus();
    $('url').value = v === 'local' ? local.ws : v;
    showUrlOddity();
  };
  $('url').oninput = () => {
    const match = [...endpoint.options].find(
      (o) => !o.disabled && (o.value === 'local' ? local?.ws : o.value) === currentUrl(),
    );
    endpoint.value = match ? match.value : 'custom';
    showUrlOddity();
  };

  // A url the browser accepts may still not be the server meant: `http//oops` has
  // no scheme, so it resolves against this page (ws://<this host>/http//oops) and
  // fails like an outage of this host. Say where a url really goes when that is
  // not what the text says. Invalid urls are left to the library's SyntaxError.
  /** Why `text` looks mistyped, with where it resolves; '' when it looks as meant. */
  function urlOddity(text) {
    if (!text) return '';
    let u;
    try {
      u = new URL(text, location.href); // as the WebSocket constructor resolves it
    } catch {
      return '';
    }
    const scheme = u.protocol.replace(/^http/, 'ws');
    if (scheme !== 'ws:' && scheme !== 'wss:') return '';
    u.protocol = scheme;
    const scheme0 = /^[a-z][a-z\d+.-]*:/i.exec(text);
    if (!scheme0)
      return `"${text}" has no ws:// or wss:// in front, so the browser reads it as a path on the server of this page: it connects to ${u.href}. For another server, start the URL with ws:// or wss://.`;
    // the host as typed: after the scheme and any slashes, before the path; without user:pass@
    const typed = text
      .slice(scheme0[0].length)
      .replace(/^[/\\]*/, '')
      .split(/[/\\?#]/)[0];
    const host = typed.slice(typed.lastIndexOf('@') + 1);
    let meant = '';
    try {
      meant = new URL(`${scheme}//${host}`).host; // normalised the same way (case, IDN, default port)
    } catch {}
    if (meant !== u.host)
      return `"${text}" resolves to ${u.href}: host ${u.host || '(none)'}, not ${host || 'the one typed'}. Check the slashes after ${scheme0[0]}.`;
    return '';
  }
  function showUrlOddity() {
    const why = urlOddity(currentUrl());
    $('url-warning').textContent = why ? `Check the URL: ${why}` : '';
    $('url-warning').hidden = !why;
  }

  // Served by `npm run demo`? Then the local echo server is one fetch away.
  async function detectLocal() {
    if (!/^https?:$/.test(location.protocol)) return;
    try {
      const res = await fetch('status', { cache: 'no-store' });
      const body = res.ok && (await res.json());
      if (body?.demo !== 'steadysocket') return;
      local = body;
    } catch {
      return;
    }
    const opt = endpoint.querySelector('option[value="local"]');
    opt.disabled = false;
    opt.textContent = `Local echo server (${new URL(local.ws).host})`;
    endpoint.value = 'local';
    $('url').value = local.ws;
    showUrlOddity();
    showCode(applied ?? readSettings());
    $('faults-note').textContent =
      'The local server breaks on request. Faults hit its WebSocket connections only; this page keeps working.';
    for (const b of document.querySelectorAll('[data-fault]')) b.disabled = false;
    pollServer();
  }

  // ── faults ──────────────────────────────────────────────────────────────

  for (const b of document.querySelectorAll('[data-fault]')) {
    b.onclick = async () => {
      const q = b.dataset.ms ? `?ms=${b.dataset.ms}` : '';
      try {
        const res = await fetch(`fault/${b.dataset.fault}${q}`, { method: 'POST' });
        const body = await res.json();
        if (!res.ok) throw new Error(body.error || res.statusText);
        const what = b.dataset.ms ? ` for ${fmtMs(Number(b.dataset.ms))}` : '';
        log(
          'fault',
          `${b.dataset.fault}${what}${b.dataset.fault === 'heal' ? '' : ` · ${body.affected} connection(s) hit`}`,
        );
        showServer(body);
      } catch (err) {
        log('fault', `request failed: ${err.message}`);
      }
    };
  }

  function showServer(st) {
    const out = $('server-status');
    const parts = [`${st.connections} WebSocket connection${st.connections === 1 ? '' : 's'}`];
    $('share-conns').textContent = String(st.connections);
    if (st.stop) parts.push(`stopped: resetting new connections for ${fmtSec(st.stop)}`);
    if (st.blackhole) parts.push(`black-hole for ${fmtSec(st.blackhole)} (${st.held} held)`);
    if (!st.stop && !st.blackhole) parts.push('healthy');
    out.textContent = parts.join(' · ');
    out.classList.toggle('fault', Boolean(st.stop || st.blackhole));
    if (Array.isArray(st.log)) showServerSubs(st.log);
  }

  let polling = false;
  async function pollServer() {
    if (polling) return;
    polling = true;
    // One request a second while visible; stops itself if the server goes away.
    for (let failures = 0; failures < 5; ) {
      await sleep(document.hidden ? 3000 : 1000);
      if (document.hidden) continue;
      try {
        const res = await fetch('status', { cache: 'no-store' });
        showServer(await res.json());
        failures = 0;
      } catch {
        failures++;
        $('server-status').textContent = 'not answering';
      }
    }
    polling = false;
  }

  // ── conversations: request, subscription, validation ───────────────────

  const REQ_CHANNELS = ['echo', 'slow', 'fail'];
  const MINI_MAX = 30; // rows kept in each panel's list
  let reqSeq = 0;
  let reqAbort = new AbortController(); // Cancel aborts every request made since the last Cancel
  let reqPending = 0;

  /** Prepends a row to one of the panels' lists, newest first, at most MINI_MAX. */
  function miniLog(list, text, cls = '', data = {}) {
    list.querySelector('.empty')?.remove();
    const li = document.createElement('li');
    li.className = cls;
    li.textContent = text;
    Object.assign(li.dataset, data);
    list.prepend(li);
    while (list.childElementCount > MINI_MAX) list.lastElementChild.remove();
    return li;
  }
  const showPending = () => {
    $('req-pending').textContent = `${reqPending} pending`;
  };

  $('req-form').onsubmit = async (e) => {
    e.preventDefault();
    if (!socket && !replaceSocket(currentUrl(), 'new endpoint')) return;
    const channel = $('req-channel').value;
    const n = ++reqSeq;
    const num = (id) => ($(id).value.trim() === '' ? undefined : Number($(id).value));
    const data = channel === 'slow' ? { ms: num('req-delay') ?? 0, n } : { n };
    const timeout = num('req-timeout'); // blank: the socket's requestTimeout (10 s)
    const li = miniLog(
      $('req-log'),
      `#${n} ${channel} ${JSON.stringify(data)}${socket.state === 'open' ? '' : ' (queued: not open)'} · waiting…`,
      'pending',
      { n: String(n), channel },
    );
    reqPending++;
    showPending();
    const t0 = performance.now();
    try {
      const reply = await socket.channel(channel).request(data, { timeout, signal: reqAbort.signal });
      const rtt = performance.now() - t0;
      li.textContent = `#${n} ${channel} → reply ${JSON.stringify(reply)} in ${fmtRtt(rtt)}`;
      li.className = 'ok';
      li.dataset.outcome = 'reply';
      $('req-result').textContent = `reply on '${channel}'`;
      $('req-rtt').textContent = fmtRtt(rtt);
    } catch (err) {
      const after = fmtRtt(performance.now() - t0);
      const name = err?.name || 'Error';
      const extra = name === 'RequestError' ? ` · server said: ${err.data?.message ?? JSON.stringify(err.data)}` : '';
      li.textContent = `#${n} ${channel} → ${name} after ${after}${extra}`;
      li.className = 'failed';
      li.dataset.outcome = name;
      $('req-result').textContent = name;
      $('req-rtt').textContent = `– (${after})`;
    } finally {
      reqPending--;
      showPending();
    }
  };
  $('req-cancel').onclick = () => {
    reqAbort.abort(); // no reason given: each request rejects with the signal's AbortError
    reqAbort = new AbortController();
  };
  // The delay field only means something for 'slow'.
  $('req-channel').onchange = () => {
    $('req-delay').disabled = $('req-channel').value !== 'slow';
  };

  /** A reply no request was waiting for: it came after its request timed out or was cancelled. */
  function onLateReply(channel, data, ev) {
    let id = '?';
    try {
      id = JSON.parse(ev.data).id ?? '?';
    } catch {}
    miniLog(
      $('req-log'),
      `late reply on '${channel}' (wire id ${id}) ${JSON.stringify(data)}: no request waits for it, so it is an ordinary channel message`,
      'late',
      { channel },
    );
  }

  // Subscriptions: the page's topics; each is held by socket.subscribe() on the current socket.
  const subs = new Map(); // topic -> { stop, ticks, last, li }
  const subFrame = (topic) => JSON.stringify({ sub: topic });
  function subscribeOn(s, topic) {
    return s.subscribe(subFrame(topic), { unsubscribe: JSON.stringify({ unsub: topic }) });
  }
  $('sub-form').onsubmit = (e) => {
    e.preventDefault();
    const topic = $('sub-topic').value.trim();
    if (!topic || subs.has(topic)) return;
    if (!socket && !replaceSocket(currentUrl(), 'new endpoint')) return;
    const li = document.createElement('li');
    li.dataset.topic = topic;
    const name = document.createElement('code');
    name.textContent = topic;
    const ticks = document.createElement('output');
    ticks.className = 'ticks';
    ticks.textContent = 'no tick yet';
    const off = document.createElement('button');
    off.type = 'button';
    off.className = 'small';
    off.textContent = 'Unsubscribe';
    off.title = 'stop(): sends {"unsub"} only if open';
    li.append(name, ticks, off);
    $('sub-list').append(li);
    const sub = { stop: subscribeOn(socket, topic), ticks: 0, li };
    subs.set(topic, sub);
    log('demo', `subscribe ${subFrame(topic)}${socket.state === 'open' ? ': sent' : ': held for the next open'}`);
    off.onclick = () => {
      const state = socket.state;
      sub.stop();
      subs.delete(topic);
      li.remove();
      log(
        'demo',
        state === 'open'
          ? `unsubscribe "${topic}": {"unsub"} sent`
          : `unsubscribe "${topic}" while ${state}: nothing sent (never queued); the next connection gets no subscribe`,
      );
    };
  };
  function onTick(d) {
    const sub = d && subs.get(d.topic);
    if (!sub) return; // a tick already on its way when we unsubscribed
    sub.ticks++;
    sub.li.querySelector('.ticks').textContent =
      `${sub.ticks} tick${sub.ticks === 1 ? '' : 's'} · connection #${d.conn}`;
  }
  const isTick = (data) => typeof data === 'string' && data.startsWith('{"channel":"tick"');
  // What the server counted: the subscribe frames each connection received (from /status).
  function showServerSubs(conns) {
    const list = $('sub-server');
    const shown = conns.filter((c) => Object.keys(c.subscribes).length || c.open).slice(-4);
    list.replaceChildren();
    if (!shown.length) return miniLog(list, 'no connection yet', 'empty');
    for (const c of shown) {
      const counts = (o) =>
        Object.entries(o)
          .map(([k, v]) => `${k} ×${v}`)
          .join(', ') || '–';
      const li = miniLog(
        list,
        `#${c.conn} ${c.open ? 'open' : 'closed'} · subscribe ${counts(c.subscribes)} · unsub ${counts(c.unsubscribes)}`,
        c.open ? 'open' : 'gone',
        { conn: String(c.conn), subscribes: JSON.stringify(c.subscribes) },
      );
      li.dataset.open = String(c.open);
    }
  }

  // Validation: the server sends a reading on demand; the schema decides who sees it.
  let delivered = 0;
  let invalids = 0;
  const emitReading = (invalid) =>
    send(JSON.stringify(invalid ? { emit: 'reading', invalid: true } : { emit: 'reading' }));
  $('val-good').onclick = () => emitReading(false);
  $('val-bad').onclick = () => emitReading(true);
  function onReading(r) {
    delivered++;
    $('val-delivered').textContent = String(delivered);
    $('val-last').textContent = `${r.celsius} °C`;
  }
  function onInvalid(e) {
    invalids++;
    $('val-invalid-count').textContent = String(invalids);
    miniLog(
      $('val-invalid'),
      `invalid on '${e.channel}': ${JSON.stringify(e.data)} · ${issueText(e.issues)}`,
      'failed',
    );
  }
  function issueText(issues) {
    return (issues ?? []).map((i) => i.message).join('; ');
  }

  // ── rendering ───────────────────────────────────────────────────────────

  let hotEdge = null;
  function setState(to, from) {
    document.body.dataset.state = to;
    $('state-name').textContent = to;
    for (const n of document.querySelectorAll('.node')) n.classList.toggle('lit', n.id === `n-${to}`);
    if (from) {
      const edge = document.getElementById(`e-${from}-${to}`);
      if (hotEdge) {
        clearTimeout(hotEdge.timer);
        hotEdge.el.classList.remove('hot');
      }
      if (edge) {
        edge.classList.add('hot');
        hotEdge = { el: edge, timer: setTimeout(() => edge.classList.remove('hot'), 1500) };
      }
    }
    if (to !== 'connecting') retry = null;
  }

  // Live numbers: polled, because they change without events (the queue drains, time passes).
  function tick() {
    const s = socket;
    $('retry-count').textContent = s ? String(s.retryCount) : '0';
    $('attempt').textContent = retry ? String(retry.attempt) : '–';
    const left = retry ? Math.max(0, retry.at - performance.now()) : 0;
    const waiting = Boolean(retry && left > 0);
    $('countdown').textContent = waiting ? fmtSec(left) : retry ? 'in progress' : '–';
    $('countdown-bar').style.width = waiting ? `${(100 * left) / Math.max(1, retry.delay)}%` : '0%';
    $('e-wait').classList.toggle('hot', waiting);

    let note = 'Press Connect.';
    if (s) {
      if (s.state === 'open')
        note = s.retryCount
          ? 'Open. retryCount drops to 0 once the connection has stayed up minUptime (5 s).'
          : 'Open. Send something, or press a fault button to break it.';
      else if (s.state === 'closing') note = 'Closing…';
      else if (s.state === 'connecting')
        note = waiting
          ? `Waiting ${fmtSec(left)} before attempt ${retry.attempt} (backoff with jitter).`
          : retry
            ? `Attempt ${retry.attempt}: connecting…`
            : 'Connecting…';
      else if (gaveUp) note = `Gave up after ${gaveUp} attempts: press Connect or Reconnect to revive it.`;
      else note = 'Closed. Press Connect.';
    }
    // connecting to a url that looks mistyped: that, not the server, is the likely trouble
    const odd = s && s.state === 'connecting' && urlOddity(socketUrl);
    $('state-note').textContent = odd ? `${note} Check the URL: this goes to ${s.url} (see above).` : note;

    // The settings in force: the socket's, or before the first Connect the form's (what Connect
    // will use). Edits not yet applied are pointed out rather than shown as if in force.
    const form = readSettings();
    const cfg = applied ?? form;
    const queued = s ? s.queued : 0;
    const max = cfg.queue ? (cfg.queue.max ?? DEFAULTS.queueMax) : 0;
    $('queued').textContent = String(queued);
    $('buffered').textContent = fmtBytes(s ? s.bufferedAmount : 0);
    $('dropped').textContent = String(dropped);
    $('queue-bar').style.width = max ? `${Math.min(100, (100 * queued) / max)}%` : '0%';
    $('queue-bar').classList.toggle('full', Boolean(cfg.queue) && queued >= max);
    $('queue-note').textContent =
      (!cfg.queue
        ? 'Queue off: sends while not open are dropped (drop reason "disabled").'
        : `Up to ${max} message${max === 1 ? '' : 's'} wait while not open; they go out in order on the next open.`) +
      (applied && !same(applied.queue, form.queue) ? ' (Your edits take effect on Apply.)' : '');

    // The badge follows the checkbox at once; a change the socket does not run yet says so.
    const hbText = (c) =>
      c.heartbeat ? `every ${fmtMs(c.heartbeat.interval ?? DEFAULTS.heartbeatInterval)} of silence` : 'off';
    const badge = $('hb-config');
    badge.textContent = hbText(form) + (applied && !same(applied.heartbeat, form.heartbeat) ? ' · press Apply' : '');

    const state = s ? s.state : 'closed';
    $('btn-open').disabled = state !== 'closed' && currentUrl() === socketUrl;
    $('btn-close').disabled = state === 'closed' || state === 'closing';
    $('btn-reconnect').disabled = !s;
    showShare();
  }

  const logEl = $('log');
  function log(type, detail, extra = '') {
    const li = document.createElement('li');
    li.className = `t-${type} fresh${extra ? ` ${extra}` : ''}`;
    const time = document.createElement('time');
    time.textContent = clock();
    const tag = document.createElement('span');
    tag.className = `tag t-${type}`;
    tag.textContent = type;
    const d = document.createElement('span');
    d.className = 'detail';
    d.textContent = detail;
    li.append(time, tag, d);
    logEl.prepend(li); // newest first: no scrolling needed to follow along
    while (logEl.childElementCount > LOG_MAX) logEl.lastElementChild.remove();
  }
  $('log-clear').onclick = () => logEl.replaceChildren();
  $('log-pongs').onchange = (e) => logEl.classList.toggle('hide-pongs', !e.target.checked);
  $('log-ticks').onchange = (e) => logEl.classList.toggle('hide-ticks', !e.target.checked);

  function addChat(dir, text) {
    const list = $('chat-log');
    list.querySelector('.empty')?.remove();
    const li = document.createElement('li');
    li.className = dir;
    li.textContent = String(text);
    list.append(li);
    while (list.childElementCount > 50) list.firstElementChild.remove();
    list.scrollTop = list.scrollHeight;
  }

  // Heartbeat RTT of the latest pongs: one dot per pong, evenly spaced (at least
  // DOT_GAP px apart, newest on the right) so each stays visible however long the
  // interval; a dashed line where the connection closed between two pongs. The y
  // scale fits the samples, down to 0.1 ms on a fast local connection.
  const DOT_GAP = 10;
  const canvas = $('rtt-plot');
  function drawRtt() {
    // closes before the oldest pong no longer matter
    cuts = cuts.filter((t) => t > (rtts[0]?.t ?? 0)).slice(-PLOT_MAX);
    // for the demo test: the rtts (ms) and the dots drawn (CSS px)
    canvas.dataset.rtts = JSON.stringify(rtts.map((p) => +p.rtt.toFixed(3)));
    canvas.dataset.points = '[]';

    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const pad = { l: 52, r: 12, t: 10, b: 20 };
    const fit = Math.max(2, Math.floor((w - pad.l - pad.r) / DOT_GAP) + 1);
    const shown = rtts.slice(-fit);
    const values = shown.map((p) => p.rtt);
    const stat = (id, v) => ($(id).textContent = values.length ? fmtRtt(v) : '–');
    stat('rtt-last', values[values.length - 1]);
    stat('rtt-min', Math.min(...values));
    stat('rtt-avg', values.reduce((a, b) => a + b, 0) / (values.length || 1));
    stat('rtt-max', Math.max(...values));

    if (!w || !h) return;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.body);
    const color = (name) => css.getPropertyValue(name).trim();
    g.font = '11px system-ui, sans-serif';

    const top = niceCeil(Math.max(0, ...values) * 1.15);
    // newest on the right edge, older ones step to the left
    const step = (w - pad.l - pad.r) / (fit - 1);
    const x = (i) => w - pad.r - (shown.length - 1 - i) * step;
    const y = (v) => h - pad.b - ((h - pad.t - pad.b) * v) / top;

    // grid and labels
    g.strokeStyle = color('--line');
    g.fillStyle = color('--muted');
    g.lineWidth = 1;
    g.textAlign = 'right';
    for (const v of [0, top / 2, top]) {
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath();
      g.moveTo(pad.l, yy);
      g.lineTo(w - pad.r, yy);
      g.stroke();
      if (values.length) g.fillText(v ? fmtRtt(v) : '0', pad.l - 6, yy + 4);
    }
    g.textAlign = 'left';
    const oldest = shown[0];
    g.fillText(
      oldest
        ? `${shown.length} pong${shown.length === 1 ? '' : 's'}, first ${fmtAgo(Date.now() - oldest.t)}`
        : `up to ${fit} pongs`,
      pad.l,
      h - 5,
    );
    g.textAlign = 'right';
    g.fillText('latest', w - pad.r, h - 5);

    if (!values.length) {
      g.fillStyle = color('--muted');
      g.textAlign = 'center';
      const msg = $('hb-on').checked
        ? 'no pongs yet: a ping goes out after each silent interval'
        : 'heartbeat is off (Settings)';
      g.fillText(msg, pad.l + (w - pad.l - pad.r) / 2, h / 2);
      return;
    }

    // closes between two pongs: a dashed line halfway, and the line breaks there
    const brokenBefore = shown.map((p, i) => i > 0 && cuts.some((t) => t > shown[i - 1].t && t <= p.t));
    g.strokeStyle = color('--closing');
    g.setLineDash([3, 3]);
    shown.forEach((_, i) => {
      if (!brokenBefore[i]) return;
      const xx = Math.round(x(i) - step / 2) + 0.5;
      g.beginPath();
      g.moveTo(xx, pad.t);
      g.lineTo(xx, h - pad.b);
      g.stroke();
    });
    g.setLineDash([]);

    g.strokeStyle = g.fillStyle = color('--open');
    g.lineWidth = 1.5;
    g.lineJoin = 'round';
    g.beginPath();
    shown.forEach((p, i) => {
      i === 0 || brokenBefore[i] ? g.moveTo(x(i), y(p.rtt)) : g.lineTo(x(i), y(p.rtt));
    });
    g.stroke();
    const points = shown.map((p, i) => [x(i), y(p.rtt)]);
    for (const [px, py] of points) {
      g.beginPath();
      g.arc(px, py, 3, 0, Math.PI * 2);
      g.fill();
    }
    canvas.dataset.points = JSON.stringify(points.map(([px, py]) => [Math.round(px), Math.round(py)]));
  }
  new ResizeObserver(() => drawRtt()).observe(canvas);

  function showCode(cfg) {
    const fmt = (o) =>
      `{ ${Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : v}`)
        .join(', ')} }`;
    // pinned: an unversioned CDN url would pick up the next major release unasked
    const version = local?.version ?? VERSION;
    const lines = sharing()
      ? [
          `<script src="https://unpkg.com/steadysocket@${version}/dist/steadysocket.shared.umd.min.js"></script>`,
          '<script>',
          '// one connection for every tab of this site: the leader tab holds it, the others share it',
          `const socket = new steadysocketShared.SharedSteadySocket('${currentUrl()}', undefined, {`,
        ]
      : [
          `<script src="https://unpkg.com/steadysocket@${version}/dist/steadysocket.umd.min.js"></script>`,
          '<script>',
          `const socket = new steadysocket.SteadySocket('${currentUrl()}', undefined, {`,
        ];
    if (cfg.connectTimeout !== undefined) lines.push(`  connectTimeout: ${cfg.connectTimeout},`);
    lines.push(`  reconnect: ${fmt(cfg.reconnect)},`);
    lines.push(`  queue: ${cfg.queue ? fmt(cfg.queue) : 'false'},`);
    if (cfg.heartbeat) {
      lines.push("  binaryType: 'arraybuffer', // so isPong can read a binary frame at once");
      lines.push(`  heartbeat: ${fmt(cfg.heartbeat).slice(0, -2)},`);
      lines.push('    // a binary ping no typed text can be mistaken for: the demo server answers [9] with [10],');
      lines.push('    // a plain echo server sends [9] back');
      lines.push('    message: new Uint8Array([9]),');
      lines.push(
        '    isPong: (d) => d instanceof ArrayBuffer && d.byteLength === 1 && [9, 10].includes(new Uint8Array(d)[0]) },',
      );
    }
    lines.push('});');
    lines.push("socket.addEventListener('reconnecting', (e) => console.log('retry', e.attempt, 'in', e.delay, 'ms'));");
    lines.push("socket.addEventListener('pong', (e) => console.log('rtt', e.rtt, 'ms'));");
    if (sharing())
      lines.push("socket.addEventListener('leaderchange', (e) => console.log('this tab leads:', e.leader));");
    lines.push("socket.channel('chat').on((msg) => console.log(msg.text));");
    lines.push("socket.channel('chat').send({ text: 'hi' });");
    lines.push('</script>');
    $('code').textContent = lines.join('\n');
  }

  // ── small helpers ───────────────────────────────────────────────────────

  function preview(data) {
    if (typeof data === 'string')
      return data === '' ? '(empty string)' : data.length > 200 ? `${data.slice(0, 200)}…` : data;
    if (data instanceof Blob) return `Blob, ${fmtBytes(data.size)}`;
    if (data instanceof ArrayBuffer) return `ArrayBuffer, ${fmtBytes(data.byteLength)}`;
    if (ArrayBuffer.isView(data)) return `${data.constructor.name}, ${fmtBytes(data.byteLength)}`;
    return String(data);
  }
  function fmtMs(ms) {
    return ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
  }
  function fmtSec(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  function fmtRtt(ms) {
    if (!Number.isFinite(ms)) return '–';
    // sub-ms digits where they mean something; whole ms from 10 ms up
    return ms < 1 ? `${+ms.toFixed(2)} ms` : ms < 10 ? `${+ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
  }
  function fmtAgo(ms) {
    return ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`;
  }
  function fmtBytes(n) {
    return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(2)} MiB`;
  }
  /** The smallest of 1, 2, 5 × 10^k (k ≥ −1) at or above v: the top of the RTT scale. */
  function niceCeil(v) {
    if (!(v <= 1e6)) return Math.ceil(v) || 1;
    for (let p = 0.1; ; p *= 10) for (const m of [1, 2, 5]) if (m * p >= v) return +(m * p).toPrecision(1);
  }
  function clock() {
    const d = new Date();
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  function sleep(ms) {
    return new Promise((r) => setTimeout(r, ms));
  }
  function hideErrors() {
    $('url-error').hidden = true;
    $('settings-error').hidden = true;
  }
  function fatal(html) {
    const el = $('fatal');
    el.innerHTML = html;
    el.hidden = false;
    for (const b of document.querySelectorAll('button')) b.disabled = true;
  }

  // ── start ───────────────────────────────────────────────────────────────

  addChat('empty', 'chat messages echo back here');
  miniLog($('req-log'), 'outcomes show here, newest first', 'empty');
  $('req-channel').onchange();
  miniLog($('val-invalid'), 'invalid events show here', 'empty');
  $('chat-log').firstElementChild.className = 'empty';
  setState('closed');
  showCode(readSettings());
  showUrlOddity();
  // the badge and the queue note follow the form as it is edited
  $('settings-form').addEventListener('input', () => tick());
  $('settings-form').addEventListener('change', () => tick());
  setInterval(tick, 100);
  setInterval(drawRtt, 1000);
  tick();
  detectLocal();
})();
