// Child process for the Node overhead bench (run with --expose-gc).
// usage: node --expose-gc bench/overhead-node.mjs '{"names":[...],"n":100000,"rounds":15}'
// Prints the result as JSON on stdout.
import { loadLibs } from './lib/libs-node.mjs';
import { channelBench, overheadBench } from './lib/overhead-core.mjs';

const opts = JSON.parse(process.argv[2] ?? '{}');
const libs = await loadLibs({ steady: opts.names.some((x) => x.startsWith('steadysocket')) });
const result = await overheadBench({ libs, ...opts });
if (libs.SteadySocket && opts.names.includes('steadysocket'))
  result.channel = await channelBench({ libs, n: opts.n / 2, rounds: opts.rounds });
process.stdout.write(JSON.stringify(result));
// Libraries may hold timers on their (fake) sockets; we are done either way.
process.exit(0);
