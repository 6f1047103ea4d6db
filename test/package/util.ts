// Shared by the packaging checks: paths, package.json walking, bounded child
// processes, `npm pack` into a temporary folder, and a ws echo server on 127.0.0.1:0.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const BIN = (name: string) => join(ROOT, 'node_modules', '.bin', name);

export interface PackageJson {
  name: string;
  version: string;
  files?: string[];
  exports?: unknown;
  [field: string]: unknown;
}

/** package.json as it is now: the checks follow whatever the lead has put there. */
export const readPkg = (): PackageJson => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Fields outside `exports` that point at a file a tool or CDN loads. */
const FILE_FIELDS = ['main', 'module', 'types', 'typings', 'unpkg', 'jsdelivr', 'browser'];

export interface Target {
  /** where it is declared, e.g. `exports["."].import.types` or `main` */
  where: string;
  /** the subpath for exports targets (`.`, `./package.json`), undefined for top-level fields */
  subpath?: string;
  /** the condition chain for exports targets, e.g. ['import', 'types'] */
  conditions: string[];
  /** the target as written, e.g. `./dist/steadysocket.mjs` */
  file: string;
}

/** Every file that package.json points at: each exports target (any nesting) plus the top-level file fields. */
export function targets(pkg: PackageJson): Target[] {
  const out: Target[] = [];
  for (const field of FILE_FIELDS) {
    if (typeof pkg[field] === 'string') out.push({ where: field, conditions: [], file: pkg[field] as string });
  }
  const walk = (value: unknown, where: string, subpath: string, conditions: string[]) => {
    if (typeof value === 'string') out.push({ where, subpath, conditions, file: value });
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${where}[${i}]`, subpath, conditions);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        walk(v, `${where}[${JSON.stringify(k)}]`, subpath, [...conditions, k]);
    }
  };
  const exp = pkg.exports;
  if (typeof exp === 'string' || Array.isArray(exp)) walk(exp, 'exports', '.', []);
  else if (exp && typeof exp === 'object') {
    const keys = Object.keys(exp);
    // an exports object either maps subpaths (keys start with '.') or is the conditions of '.'
    if (keys.every((k) => k.startsWith('.'))) {
      for (const k of keys) walk((exp as Record<string, unknown>)[k], `exports[${JSON.stringify(k)}]`, k, []);
    } else walk(exp, 'exports', '.', []);
  }
  return out;
}

/** Fail early, with the fix, when the build is missing. */
export function requireBuild(): void {
  for (const f of ['steadysocket.mjs', 'steadysocket.cjs', 'steadysocket.umd.min.js', 'steadysocket.d.ts']) {
    if (!existsSync(join(DIST, f))) throw new Error(`dist/${f} is missing: build first (npx rollup -c --silent)`);
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Run a command with a time limit; the child is killed when the limit passes.
 * npm's own config warnings are dropped from stderr so failures stay readable.
 */
export function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number; dropEnv?: RegExp } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', ...opts.env };
    if (opts.dropEnv) for (const k of Object.keys(env)) if (opts.dropEnv.test(k)) delete env[k];
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      stderr = stderr
        .split('\n')
        .filter((l) => !/^npm warn (Unknown (user|env|project) config|config )/i.test(l))
        .join('\n');
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Describe a failed run for an assertion message. */
export const explain = (what: string, r: RunResult) =>
  `${what} exited ${r.code ?? r.signal} after ${r.ms} ms\n--- stdout ---\n${r.stdout.slice(-4000)}\n--- stderr ---\n${r.stderr.slice(-4000)}`;

/** A fresh folder under the OS temp dir. */
export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `steadysocket-${prefix}-`));

export interface Packed {
  /** absolute path of the tarball */
  tgz: string;
  /** paths inside the package, as `npm pack --json` lists them */
  files: string[];
}

/** `npm pack` the repo into `dest`, without lifecycle scripts (the tests build nothing). */
export async function pack(dest: string): Promise<Packed> {
  const r = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest]);
  if (r.code !== 0) throw new Error(explain('npm pack', r));
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error(`npm pack printed no package: ${r.stdout}`);
  return { tgz: join(dest, info.filename), files: info.files.map((f) => f.path).sort() };
}

/** A ws echo server on 127.0.0.1, port 0. */
export async function echoServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
