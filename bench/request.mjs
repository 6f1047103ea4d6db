// Request round trip in Chromium against the local /rpc server (JSON envelope requests
// answered with the same channel and id): steadysocket's channel('x').request(data)
// vs a hand-written client on a raw WebSocket with its own Map<id, resolve> and the same
// envelope (page/entry.mjs). n sequential round trips, and a batch of n concurrent ones;
// the arms interleaved (lib/sandwich.mjs); 'raw#2', a second hand-written client, is the A/A arm.
import { sandwich } from './lib/sandwich.mjs';
import { log } from './lib/util.mjs';

export const RPC = { seq: 200, batch: 200 };

export async function runRequest(b, { rounds, seq = RPC.seq, batch = RPC.batch }) {
  await b.page.evaluate((u) => window.bench.rpcSetup(u), b.srv.ws('/rpc'));
  const out = { rounds, n: { seq, batch } };
  try {
    for (const [mode, n] of [
      ['seq', seq],
      ['batch', batch],
    ]) {
      log(`request: ${mode} x ${n}, ${rounds} rounds`);
      const r = await sandwich(
        (arm) => b.page.evaluate(([a, m, k]) => window.bench.rpcMeasure(a, m, k), [arm, mode, n]),
        'raw',
        ['raw#2', 'steadysocket'],
        rounds,
      );
      // µs per round trip (batch: per request of the batch)
      for (const a of Object.values(r)) a.usPer = (a.ms * 1000) / n;
      out[mode] = r;
    }
  } finally {
    await b.page.evaluate(() => window.bench.rpcTeardown());
  }
  return out;
}
