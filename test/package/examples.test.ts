// The examples stay true: the testing example type-checks against the built
// declarations and its own tests pass, run the way its README says.
// (examples/react needs React, which this repo does not install: not checked here.)
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
