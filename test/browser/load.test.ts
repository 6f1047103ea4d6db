// The shipped artifacts load in Chromium the way users load them, and work:
// UMD through <script> (global `steadysocket`), ESM through <script type="module">.
import { describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser.js';

const b = useBrowser();

describe.each(['umd', 'esm'] as const)('%s artifact', (lib) => {
  it('exposes SteadySocket and round-trips a message and a channel through a real server', async () => {
    const { page, errors } = await b.page(lib);
    const srv = await b.server({ echo: true });
    const out = await page.evaluate(async (url) => {
      const { SteadySocket } = steadysocket;
      const s = __t.track('s', new SteadySocket(url));
      // every delivery recorded (no once): a frame delivered twice shows up twice
      const messages: unknown[] = [];
      const chat: unknown[] = [];
      s.addEventListener('message', (e: MessageEvent) => messages.push(e.data));
      await new Promise<void>((resolve, reject) => {
        setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
        s.channel('chat').on((d: unknown) => {
          chat.push(d);
          resolve();
        });
        s.send('hello');
        s.channel('chat').send({ text: 'hi' });
      });
      // anything late or duplicated arrives within this
      await new Promise((r) => setTimeout(r, 200));
      const r = {
        messages,
        chat,
        readyState: s.readyState,
        state: s.state,
        statics: [SteadySocket.CONNECTING, SteadySocket.OPEN, SteadySocket.CLOSING, SteadySocket.CLOSED],
        isEventTarget: s instanceof EventTarget,
      };
      s.close();
      return r;
    }, srv.url);
    console.log(`[browser] ${lib}: loaded, round-trip ok, state ${out.state}`);
    const frame = JSON.stringify({ channel: 'chat', data: { text: 'hi' } });
    // the exact sequence: each frame once, in order; the channel frame is also a plain message
    expect(out.messages).toEqual(['hello', frame]);
    expect(out.chat).toEqual([{ text: 'hi' }]);
    expect(out).toMatchObject({ readyState: 1, state: 'open', statics: [0, 1, 2, 3], isEventTarget: true });
    expect(srv.received.map((r) => r.data)).toEqual(['hello', frame]);
    expect(errors).toEqual([]);
  });

  it("the message event works where code expects Chromium's own: copied, stringified, stopPropagation", async () => {
    const { page, errors } = await b.page(lib);
    const srv = await b.server({ echo: true });
    const out = await page.evaluate(async (url) => {
      const s = __t.track('s', new steadysocket.SteadySocket(url));
      const calls: string[] = [];
      const r = await new Promise<Record<string, unknown>>((resolve, reject) => {
        setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
        s.addEventListener('message', (e: MessageEvent) => {
          calls.push('first');
          e.stopPropagation();
          // forwarding a copy reads every MessageEventInit member, userActivation included
          const copy = new MessageEvent(e.type, e);
          e.returnValue = false;
          resolve({
            copy: copy.data,
            instance: e instanceof MessageEvent,
            json: JSON.stringify(e),
            origin: e.origin,
            userActivation: e.userActivation,
            timeStamp: typeof e.timeStamp,
          });
        });
        s.addEventListener('message', () => calls.push('second'));
        s.send('hello');
      });
      s.close();
      return { ...r, calls };
    }, srv.url);
    expect(out).toEqual({
      copy: 'hello',
      instance: true,
      json: '{"isTrusted":false}',
      origin: new URL(srv.url).origin.replace('http', 'ws'),
      userActivation: null,
      timeStamp: 'number',
      calls: ['first', 'second'],
    });
    expect(errors).toEqual([]);
  });
});
