/**
 * A WebSocket double the test drives by hand: nothing happens until the test
 * calls `accept()`, `receive()`, `drop()` or `fail()`. Every instance is kept
 * in `FakeSocket.all` so a test can reach the socket the library created.
 */
export class FakeSocket {
  static all: FakeSocket[] = [];
  static get last(): FakeSocket {
    const s = FakeSocket.all[FakeSocket.all.length - 1];
    if (!s) throw new Error('no FakeSocket was created');
    return s;
  }
  static reset(): void {
    FakeSocket.all = [];
  }

  readyState = 0;
  binaryType = 'blob';
  bufferedAmount = 0;
  protocol = '';
  extensions = '';
  sent: unknown[] = [];
  closeCalls: [number | undefined, string | undefined][] = [];
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;

  constructor(
    public url: string,
    public protocols?: string | string[],
  ) {
    FakeSocket.all.push(this);
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error('FakeSocket: send while not open');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push([code, reason]);
    if (this.readyState < 2) this.readyState = 2;
  }

  // ── driven by the test ──
  accept(protocol = ''): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.(new Event('open'));
  }
  receive(data: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
  drop(code = 1006, reason = '', wasClean = code !== 1006): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code, reason, wasClean }));
  }
  fail(): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.(new CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
  }
  /** true once the library let go of this socket (handlers unhooked) */
  get detached(): boolean {
    return this.onopen === null && this.onmessage === null && this.onclose === null;
  }
}

/** An EventTarget that counts listeners added and removed, per type. */
export class CountingTarget extends EventTarget {
  adds = 0;
  removes = 0;
  visibilityState = 'visible';
  navigator = { onLine: true };
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.adds++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.removes++;
    super.removeEventListener(...args);
  }
}
