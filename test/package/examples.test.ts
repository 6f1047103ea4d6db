// The examples stay true: the testing example type-checks against the built
// declarations and its own tests pass, run the way its README says; the React
// and Vue examples type-check against the built declarations of
// `steadysocket/react` and `steadysocket/vue` and render on a server.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, explain, ROOT, requireBuild, run, tempDir } from './util';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = tempDir('examples');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('examples/testing', () => {
  it('type-checks (strict) against the shipped declarations', async () => {
    const config = join(dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
          module: 'preserve',
          moduleResolution: 'bundler',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: [join(ROOT, 'examples/testing/chat.ts'), join(ROOT, 'examples/testing/chat.test.ts')],
      }),
    );
    const r = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/lib/tsc.js'), '-p', config, '--pretty', 'false'],
      {
        timeout: 60_000,
      },
    );
    expect(r.code, explain('tsc', r)).toBe(0);
  });

  it('its tests pass (mock-socket + fake timers), run as its README says', async () => {
    const r = await run(BIN('vitest'), ['run', '--config', 'examples/testing/vitest.config.mjs'], {
      timeout: 60_000,
      // a vitest started from inside a vitest worker must not think it is one
      dropEnv: /^(VITEST|TINYPOOL)/,
      env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    expect(r.code, explain('vitest (examples/testing)', r)).toBe(0);
    const summary = /Tests\s+(.+)/.exec(r.stdout)?.[1];
    console.log(`examples/testing: ${summary} in ${r.ms} ms`);
    expect(summary).toMatch(/\b3 passed\b/);
  });
});

describe('examples/react and examples/vue', () => {
  it('type-check (strict, JSX) against the shipped declarations of steadysocket/react and steadysocket/vue', async () => {
    const config = join(dir, 'tsconfig.frameworks.json');
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: true,
          module: 'preserve',
          moduleResolution: 'bundler',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          jsx: 'react-jsx',
          types: [],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: [
          join(ROOT, 'examples/react/Chat.tsx'),
          join(ROOT, 'examples/vue/chat.ts'),
          join(ROOT, 'examples/vue/ChatRoom.ts'),
        ],
      }),
    );
    const r = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/lib/tsc.js'), '-p', config, '--pretty', 'false'],
      { timeout: 90_000 },
    );
    expect(r.code, explain('tsc', r)).toBe(0);
  });

  it('render on a server (react-dom/server, vue/server-renderer) as closed, with no socket made', async () => {
    // compiled by esbuild (JSX, TypeScript) with every package left external, into the repo's .tmp/
    // so that Node resolves react, vue and steadysocket/* (self-reference: the built dist) as an app would
    const out = join(ROOT, '.tmp', 'examples-ssr');
    mkdirSync(out, { recursive: true });
    await build({
      entryPoints: [join(ROOT, 'examples/react/Chat.tsx'), join(ROOT, 'examples/vue/ChatRoom.ts')],
      outdir: out,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      packages: 'external',
      format: 'esm',
      platform: 'node',
      jsx: 'automatic',
      logLevel: 'silent',
    });
    const script = `
      const { createElement } = await import('react');
      const { renderToString } = await import('react-dom/server');
      const { createSSRApp } = await import('vue');
      const { renderToString: vueRender } = await import('vue/server-renderer');
      const { Chat } = await import(${JSON.stringify(join(out, 'react', 'Chat.mjs'))});
      const { ChatRoom } = await import(${JSON.stringify(join(out, 'vue', 'ChatRoom.mjs'))});
      const html = renderToString(createElement(Chat, { room: 'lobby', user: 'ada', token: 't' }));
      const vhtml = await vueRender(createSSRApp(ChatRoom, { room: 'lobby', user: 'ada' }));
      await new Promise((r) => setTimeout(r, 50));
      // sockets and timers only: stdio pipes and the module loader's file requests come and go
      const left = process.getActiveResourcesInfo().filter((r) => !/^(TTYWrap|PipeWrap|CloseReq|FSReqCallback|FSReqPromise)$/.test(r));
      console.log(JSON.stringify({ html, vhtml, left }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30_000 });
    expect(r.code, explain('node (server render of the examples)', r)).toBe(0);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(got.html).toBe('<section><p>closed</p><ul></ul><button type="button">say hi</button></section>');
    expect(got.vhtml).toBe('<section><p>closed</p><ul></ul><button type="button">say hi</button></section>');
    expect(got.left).toEqual([]);
  });
});
