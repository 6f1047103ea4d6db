// Per-message overhead in Node (child process, --expose-gc) and Chromium.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './lib/util.mjs';

export function overheadNode(opts, { execArgv = [] } = {}) {
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

export function overheadChromium(b, opts) {
  return b.page.evaluate((o) => window.bench.overhead(o), opts);
}
