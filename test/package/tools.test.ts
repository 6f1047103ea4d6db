// What the registry would get: the packed file list, publint's and
// arethetypeswrong's verdicts on it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, explain, type Packed, pack, ROOT, readPkg, requireBuild, run, targets, tempDir } from './util';

let dir: string;
let packed: Packed;

beforeAll(async () => {
  requireBuild();
  dir = tempDir('pack');
  packed = await pack(dir);
  console.log(`packed ${packed.tgz}: ${packed.files.join(', ')}`);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds only dist files, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    // (<entry>/package.json: the stubs that let node10-style resolution find steadysocket/<entry>)
    const extra = packed.files.filter(
      (f) =>
        !/^dist\/[^/]+$/.test(f) &&
        !/^(core|shared|react|vue)\/package\.json$/.test(f) &&
        !['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(f),
    );
    expect(extra, 'files that should not be published').toEqual([]);
  });

  it('holds README.md, LICENSE, CHANGELOG.md and package.json', () => {
    for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
      expect(packed.files, `${f} is not in the package`).toContain(f);
    }
  });

  it('holds every file package.json points at, and no dist file nothing points at', () => {
    const named = targets(readPkg()).map((t) => t.file.replace(/^\.\//, ''));
    for (const f of named) expect(packed.files, `${f} is named in package.json but not packed`).toContain(f);
    // and what those files import (the chunks the entries share), followed to the end
    const wanted = new Set<string>();
    const follow = (f: string) => {
      if (wanted.has(f) || !existsSync(join(ROOT, f))) return;
      wanted.add(f);
      const text = readFileSync(join(ROOT, f), 'utf8');
      for (const m of text.matchAll(/(?:from|require\(|import\()\s*['"](\.\/[^'"]+)['"]/g)) {
        let dep = posix.join(posix.dirname(f), m[1]!);
        // a declaration file names the .js/.cjs/.mjs it describes
        if (/\.d\.c?ts$/.test(f)) dep = dep.replace(/\.(c|m)?js$/, (_, k) => (k === 'c' ? '.d.cts' : '.d.ts'));
        follow(dep);
      }
    };
    for (const f of named) follow(f);
    // the entries' script-tag builds are fetched by url (a CDN), not resolved through package.json
    const orphans = packed.files.filter((f) => f.startsWith('dist/') && !wanted.has(f) && !/\.umd\.min\.js$/.test(f));
    expect(orphans, 'dist files no entry point names (source maps, chunks, stale builds?)').toEqual([]);
  });
});

describe('linters for published packages', () => {
  it('publint (strict, every level down to suggestions) reports nothing', async () => {
    const { messages, pkg } = await publint({ pkgDir: ROOT, pack: 'npm', level: 'suggestion', strict: true });
    const text = messages.map((m) => `${m.type}: ${m.code} at ${m.path.join('.')}: ${formatMessage(m, pkg) ?? ''}`);
    console.log(`publint: ${text.length ? text.join('\n') : 'no messages'}`);
    expect(text).toEqual([]);
  });

  it('arethetypeswrong (attw --pack) reports no problem for any entry point or resolution mode', async () => {
    // attw's --pack runs `npm pack` in the repo; analysing the tarball packed above is the same check
    const r = await run(BIN('attw'), [packed.tgz, '--format', 'json'], { timeout: 60_000 });
    let report: { problems?: Record<string, { entrypoint: string; resolutionKind: string }[]> };
    try {
      report = JSON.parse(r.stdout);
    } catch {
      throw new Error(explain('attw', r));
    }
    const problems = Object.entries(report.problems ?? {}).flatMap(([kind, list]) =>
      list.map((p) => `${kind}: ${p.entrypoint} (${p.resolutionKind})`),
    );
    console.log(`attw: ${problems.length ? problems.join('; ') : 'no problems'} (${r.ms} ms)`);
    expect(problems).toEqual([]);
    expect(r.code, explain('attw', r)).toBe(0);
  });
});
