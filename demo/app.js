// steadysocket demo page: plain script, no framework, no build step.
// The library comes from dist/steadysocket.umd.min.js as the global `steadysocket`
// (see index.html). The part worth copying is createSocket() and wire().
(() => {
  const $ = (id) => document.getElementById(id);
  const EVENTS = ['open', 'message', 'close', 'error', 'statechange', 'reconnecting', 'drop', 'giveup', 'pong'];
  const LOG_MAX = 400;
  const PLOT_MS = 60_000; // the RTT plot shows the last minute

  let socket = null; // the current SteadySocket
  let wiring = null; // AbortController for the current socket's listeners
  let socketUrl = '';
  let local = null; // the demo server's /status while this page is served by `npm run demo`
  let retry = null; // { attempt, delay, at } from the last `reconnecting` event
  let gaveUp = 0;
  let dropped = 0;
  let rtts = []; // { t, rtt } per pong
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

  // Public echo servers send our 'ping' straight back; the local server answers 'pong'.
  const isPong = (data) => data === 'pong' || data === 'ping';

  /** The options object passed to the constructor, without undefined values. */
  function buildOptions(cfg) {
    const clean = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
    const options = {
      startClosed: true, // the Connect button calls open()
      reconnect: clean(cfg.reconnect),
      queue: cfg.queue ? clean(cfg.queue) : false,
    };
    if (cfg.connectTimeout !== undefined) options.connectTimeout = cfg.connectTimeout;
    if (cfg.heartbeat) options.heartbeat = { ...clean(cfg.heartbeat), message: 'ping', isPong };
    return options;
  }

  function createSocket(url) {
    const cfg = readSettings();
    const s = new steadysocket.SteadySocket(url, undefined, buildOptions(cfg));
    showCode(cfg);
    $('hb-config').textContent = cfg.heartbeat ? `every ${fmtMs(cfg.heartbeat.interval ?? 20000)} of silence` : 'off';
    return s;
  }

  /** Subscribes the page to a socket; everything is removed by wiring.abort(). */
  function wire(s) {
    wiring = new AbortController();
    const { signal } = wiring;
    for (const type of EVENTS) s.addEventListener(type, onEvent, { signal });

    // Typed channels on the default JSON envelope.
    const offChat = s.channel('chat').on((data) => addChat('in', data?.text));
    const offCount = s.channel('count').on((n) => {
      $('count-echo').textContent = String(n);
    });
    signal.addEventListener('abort', () => {
      offChat();
      offCount();
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
        log('message', preview(e.data));
        onReceived(e.data);
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
        log('pong', `rtt ${fmtRtt(e.rtt)}`);
        rtts.push({ t: Date.now(), rtt: e.rtt });
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

  // ── endpoint picker ─────────────────────────────────────────────────────

  const endpoint = $('endpoint');
  endpoint.onchange = () => {
    const v = endpoint.value;
    if (v === 'custom') return $('url').focus();
    $('url').value = v === 'local' ? local.ws : v;
  };
  $('url').oninput = () => {
    const match = [...endpoint.options].find(
      (o) => !o.disabled && (o.value === 'local' ? local?.ws : o.value) === currentUrl(),
    );
    endpoint.value = match ? match.value : 'custom';
  };

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
    if (st.stop) parts.push(`stopped: resetting new connections for ${fmtSec(st.stop)}`);
    if (st.blackhole) parts.push(`black-hole for ${fmtSec(st.blackhole)} (${st.held} held)`);
    if (!st.stop && !st.blackhole) parts.push('healthy');
    out.textContent = parts.join(' · ');
    out.classList.toggle('fault', Boolean(st.stop || st.blackhole));
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
    $('state-note').textContent = note;

    const queued = s ? s.queued : 0;
    const max = s && $('q-on').checked ? Number($('q-max').value) || 0 : 0;
    $('queued').textContent = String(queued);
    $('buffered').textContent = fmtBytes(s ? s.bufferedAmount : 0);
    $('dropped').textContent = String(dropped);
    $('queue-bar').style.width = max ? `${Math.min(100, (100 * queued) / max)}%` : '0%';
    $('queue-bar').classList.toggle('full', Boolean(max) && queued >= max);
    $('queue-note').textContent = !$('q-on').checked
      ? 'Queue off: sends while not open are dropped (drop reason "disabled").'
      : `Up to ${max} messages wait while not open; they go out in order on the next open.`;

    const state = s ? s.state : 'closed';
    $('btn-open').disabled = state !== 'closed' && currentUrl() === socketUrl;
    $('btn-close').disabled = state === 'closed' || state === 'closing';
    $('btn-reconnect').disabled = !s;
  }

  const logEl = $('log');
  function log(type, detail) {
    const li = document.createElement('li');
    li.className = `t-${type} fresh`;
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

  // Heartbeat RTT over the last minute: a dot per pong, a dashed line per close.
  const canvas = $('rtt-plot');
  function drawRtt() {
    const now = Date.now();
    rtts = rtts.filter((p) => now - p.t <= PLOT_MS);
    cuts = cuts.filter((t) => now - t <= PLOT_MS);

    const values = rtts.map((p) => p.rtt);
    const stat = (id, v) => ($(id).textContent = values.length ? fmtRtt(v) : '–');
    stat('rtt-last', values[values.length - 1]);
    stat('rtt-min', Math.min(...values));
    stat('rtt-avg', values.reduce((a, b) => a + b, 0) / (values.length || 1));
    stat('rtt-max', Math.max(...values));

    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (!w || !h) return;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(document.body);
    const color = (name) => css.getPropertyValue(name).trim();
    g.font = '11px system-ui, sans-serif';

    const pad = { l: 46, r: 12, t: 10, b: 20 };
    const top = niceCeil(Math.max(1, ...values) * 1.15);
    const x = (t) => pad.l + (w - pad.l - pad.r) * (1 - (now - t) / PLOT_MS);
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
      g.fillText(fmtRtt(v), pad.l - 6, yy + 4);
    }
    g.textAlign = 'left';
    g.fillText('−60 s', pad.l, h - 5);
    g.textAlign = 'right';
    g.fillText('now', w - pad.r, h - 5);

    // connection losses
    g.strokeStyle = color('--closing');
    g.setLineDash([3, 3]);
    for (const t of cuts) {
      const xx = Math.round(x(t)) + 0.5;
      g.beginPath();
      g.moveTo(xx, pad.t);
      g.lineTo(xx, h - pad.b);
      g.stroke();
    }
    g.setLineDash([]);

    if (!values.length) {
      g.fillStyle = color('--muted');
      g.textAlign = 'center';
      const msg = $('hb-on').checked
        ? 'no pongs yet: a ping goes out after each silent interval'
        : 'heartbeat is off (Settings)';
      g.fillText(msg, pad.l + (w - pad.l - pad.r) / 2, h / 2);
      return;
    }

    // the line breaks where the connection did
    g.strokeStyle = g.fillStyle = color('--open');
    g.lineWidth = 2;
    g.lineJoin = 'round';
    g.beginPath();
    rtts.forEach((p, i) => {
      const prev = rtts[i - 1];
      const broken = !prev || cuts.some((t) => t > prev.t && t < p.t);
      broken ? g.moveTo(x(p.t), y(p.rtt)) : g.lineTo(x(p.t), y(p.rtt));
    });
    g.stroke();
    for (const p of rtts) {
      g.beginPath();
      g.arc(x(p.t), y(p.rtt), 2.5, 0, Math.PI * 2);
      g.fill();
    }
  }
  new ResizeObserver(() => drawRtt()).observe(canvas);

  function showCode(cfg) {
    const fmt = (o) =>
      `{ ${Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : v}`)
        .join(', ')} }`;
    const lines = [
      '<script src="https://unpkg.com/steadysocket"></script>',
      '<script>',
      `const socket = new steadysocket.SteadySocket('${currentUrl()}', undefined, {`,
    ];
    if (cfg.connectTimeout !== undefined) lines.push(`  connectTimeout: ${cfg.connectTimeout},`);
    lines.push(`  reconnect: ${fmt(cfg.reconnect)},`);
    lines.push(`  queue: ${cfg.queue ? fmt(cfg.queue) : 'false'},`);
    if (cfg.heartbeat) {
      lines.push(`  heartbeat: ${fmt(cfg.heartbeat).slice(0, -2)},`);
      lines.push("    // echo servers send 'ping' back; the local server answers 'pong'");
      lines.push("    isPong: (data) => data === 'pong' || data === 'ping' },");
    }
    lines.push('});');
    lines.push("socket.addEventListener('reconnecting', (e) => console.log('retry', e.attempt, 'in', e.delay, 'ms'));");
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
    return ms < 10 && !Number.isInteger(ms) ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
  }
  function fmtBytes(n) {
    return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(2)} MiB`;
  }
  function niceCeil(v) {
    const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
    return steps.find((s) => s >= v) ?? Math.ceil(v);
  }
  function clock() {
    const d = new Date();
    const p = (n, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
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
  $('chat-log').firstElementChild.className = 'empty';
  setState('closed');
  showCode(readSettings());
  setInterval(tick, 100);
  setInterval(drawRtt, 1000);
  tick();
  detectLocal();
})();
