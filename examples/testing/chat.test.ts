// Testing an app that uses steadysocket: inject mock-socket through the
// `WebSocket` option and drive time with fake timers. No network, no real waits.
// Run: npx vitest run --config examples/testing/vitest.config.mjs
import { Server, WebSocket } from 'mock-socket';
import type { SteadySocketOptions } from 'steadysocket';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createChat } from './chat';

const URL = 'ws://chat.test/';
// deterministic backoff: no jitter, no browser network hooks
const testOptions: SteadySocketOptions = { WebSocket, random: () => 0, network: false };

let server: Server;

beforeEach(() => {
  vi.useFakeTimers();
  server = new Server(URL);
  // an echo server: every frame comes back to everyone
  server.on('connection', (client) => {
    client.on('message', (data) => {
      for (const c of server.clients()) c.send(data);
    });
  });
});

afterEach(() => {
  server.stop();
  vi.useRealTimers();
});

it('queues what is said before the connection opens, then delivers it', async () => {
  const chat = createChat(URL, 'ada', testOptions);
  chat.say('hello'); // not open yet: queued
  expect(chat.socket.queued).toBe(1);

  // mock-socket opens its connections on a 4 ms timer: advance fake time past it
  await vi.advanceTimersByTimeAsync(10);
  expect(chat.socket.state).toBe('open');
  expect(chat.log).toEqual(['ada: hello']);
  chat.close();
});

it('reconnects after the server drops the connection, with the configured delay', async () => {
  const chat = createChat(URL, 'ada', testOptions);
  await vi.advanceTimersByTimeAsync(10);
  const reconnecting = vi.fn();
  chat.socket.addEventListener('reconnecting', (e) => reconnecting(e.delay));

  // the server goes away abnormally (mock-socket delivers the close after 4 ms too)
  for (const c of server.clients()) c.close({ code: 1006, reason: 'gone', wasClean: false });
  await vi.advanceTimersByTimeAsync(5);
  expect(chat.socket.state).toBe('connecting');
  expect(reconnecting).toHaveBeenCalledWith(1000); // minDelay, no jitter

  chat.say('still there?'); // queued while reconnecting
  await vi.advanceTimersByTimeAsync(1000 + 10);
  expect(chat.socket.state).toBe('open');
  expect(chat.log).toEqual(['ada: still there?']);
  chat.close();
});

it('stops for good on a close code that means "don\'t come back" (4401 unauthorized)', async () => {
  const chat = createChat(URL, 'ada', testOptions);
  await vi.advanceTimersByTimeAsync(10);
  for (const c of server.clients()) c.close({ code: 4401, reason: 'token expired', wasClean: true });
  await vi.advanceTimersByTimeAsync(60_000);
  expect(chat.socket.state).toBe('closed');
  expect(vi.getTimerCount()).toBe(0); // nothing left scheduled
});
