// Runs in every browser test page before any page script (page.addInitScript),
// so it sees every timer and window listener the library creates. Plain browser
// JS; it installs `window.__t`:
//   __t.timers()          { live, created }   live = set and not yet fired/cleared
//   __t.listeners()       { total, byType }   listeners on window + document now
//   __t.track(name, s)    record every event of socket `s` into __t.logs[name]
//   __t.log(name)         that record: [{ type, t, state, ...fields }]
//   __t.count(name, type) how many events of `type` (all types when omitted)
//   __t.errors            uncaught errors and unhandled rejections in the page
(() => {
  const now = () => performance.timeOrigin + performance.now();
  // esbuild-style keepNames helper, in case a transpiled page.evaluate callback references it
  if (!window.__name) window.__name = (f) => f;

  // ── timers ───────────────────────────────────────────────────────────────
  const live = new Set();
  let created = 0;
  const st = window.setTimeout;
  const ct = window.clearTimeout;
  const si = window.setInterval;
  const ci = window.clearInterval;
  window.setTimeout = function setTimeout(fn, ms, ...args) {
    const id = st.call(
      window,
      function () {
        live.delete(id);
        if (typeof fn === 'function') return fn.apply(this, args);
      },
      ms,
    );
    live.add(id);
    created++;
    return id;
  };
  window.setInterval = function setInterval(fn, ms, ...args) {
    const id = si.call(window, fn, ms, ...args);
    live.add(id);
    created++;
    return id;
  };
  // timeouts and intervals share one id pool, and either clear works on both
  window.clearTimeout = function clearTimeout(id) {
    live.delete(id);
    return ct.call(window, id);
  };
  window.clearInterval = function clearInterval(id) {
    live.delete(id);
    return ci.call(window, id);
  };

  // ── window/document listeners (online, offline, visibilitychange, ...) ─────
  // Counted like the platform dedupes them: one per (type, listener, capture).
  const byType = {};
  const ids = new WeakMap();
  let nextId = 0;
  const idOf = (fn) => {
    if (!ids.has(fn)) ids.set(fn, ++nextId);
    return ids.get(fn);
  };
  for (const target of [window, document]) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    const seen = new Set();
    const key = (type, fn, o) => `${type}|${idOf(fn)}|${typeof o === 'object' && o ? !!o.capture : !!o}`;
    target.addEventListener = (type, fn, o) => {
      const k = fn && key(type, fn, o);
      if (k && !seen.has(k)) {
        seen.add(k);
        byType[type] = (byType[type] ?? 0) + 1;
        const gone = () => {
          if (seen.delete(k)) byType[type]--;
        };
        // listeners also leave through { signal } and { once }
        if (o && typeof o === 'object' && o.signal) o.signal.addEventListener('abort', gone, { once: true });
        if (o && typeof o === 'object' && o.once) add(type, gone, { once: true, capture: !!o.capture });
      }
      return add(type, fn, o);
    };
    target.removeEventListener = (type, fn, o) => {
      const k = fn && key(type, fn, o);
      if (k && seen.delete(k)) byType[type]--;
      return remove(type, fn, o);
    };
  }

  // ── socket event records ─────────────────────────────────────────────────
  const TYPES = ['open', 'message', 'close', 'error', 'statechange', 'reconnecting', 'drop', 'giveup', 'pong'];
  const summary = (d) => {
    if (d === undefined || d === null) return d;
    if (typeof d === 'string') return d.length <= 256 ? d : { kind: 'string', size: d.length, head: d.slice(0, 32) };
    if (d instanceof ArrayBuffer) return { kind: 'arraybuffer', size: d.byteLength };
    if (typeof Blob !== 'undefined' && d instanceof Blob) return { kind: 'blob', size: d.size };
    if (ArrayBuffer.isView(d)) return { kind: 'view', size: d.byteLength };
    return { kind: typeof d };
  };
  const logs = {};
  const sockets = {};
  const errors = [];
  window.addEventListener('error', (e) => errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason}`));

  window.__t = {
    logs,
    sockets,
    errors,
    now,
    timers: () => ({ live: live.size, created }),
    listeners: () => ({ total: Object.values(byType).reduce((a, b) => a + b, 0), byType: { ...byType } }),
    track(name, s) {
      const log = [];
      logs[name] = log;
      sockets[name] = s;
      for (const type of TYPES) {
        s.addEventListener(type, (e) => {
          const r = { type, t: now(), state: s.state };
          if (type === 'close') Object.assign(r, { code: e.code, reason: e.reason, wasClean: e.wasClean });
          if (type === 'message') r.data = summary(e.data);
          if (type === 'statechange') Object.assign(r, { from: e.from, to: e.to });
          if (type === 'reconnecting') Object.assign(r, { attempt: e.attempt, delay: e.delay });
          if (type === 'drop') Object.assign(r, { data: summary(e.data), reason: e.reason });
          if (type === 'giveup') r.attempts = e.attempts;
          if (type === 'pong') r.rtt = e.rtt;
          if (type === 'error') r.error = e.error ? `${e.error.name}: ${e.error.message}` : undefined;
          log.push(r);
        });
      }
      return s;
    },
    log: (name) => logs[name] ?? [],
    count: (name, type) => (logs[name] ?? []).filter((r) => type === undefined || r.type === type).length,
  };
})();
