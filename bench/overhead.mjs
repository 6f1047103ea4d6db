// Per-message overhead in Node (child process, --expose-gc) and Chromium.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './lib/util.mjs';

// One library per process (Node) or per page load (Chromium): the libraries
// must not share JIT feedback (Node's EventTarget is JavaScript: its dispatch
// code turns polymorphic when several libraries' listeners run through it).
export async function overheadNode(opts) {
  const out = {};
  for (const name of opts.names) Object.assign(out, await overheadNodeOne({ ...opts, names: [name] }));
  return out;
}

export async function overheadChromium(b, opts) {
  const out = {};
  for (const name of opts.names) {
    await b.reload();
    Object.assign(out, await b.page.evaluate((o) => window.bench.overhead(o), { ...opts, names: [name] }));
  }
  return out;
}

function overheadNodeOne(opts, { execArgv = [] } = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', ...execArgv, path.join(ROOT, 'bench', 'overhead-node.mjs'), JSON.stringify(opts)],
      { cwd: ROOT, timeout: 180_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`overhead-node failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}
