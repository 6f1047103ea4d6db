import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

// Every entry of the package: `steadysocket/<sub>` ↔ src/<file>.ts ↔ dist/steadysocket[.<sub>].*
// `global` names the script-tag build; frameworks are bundled by their users, so theirs have none.
export const ENTRIES = [
  { sub: '.', src: 'src/index.ts', out: 'steadysocket', global: 'steadysocket' },
  { sub: './core', src: 'src/core.ts', out: 'steadysocket.core', global: 'steadysocketCore' },
  { sub: './shared', src: 'src/shared.ts', out: 'steadysocket.shared', global: 'steadysocketShared' },
  { sub: './react', src: 'src/react.ts', out: 'steadysocket.react' },
  { sub: './vue', src: 'src/vue.ts', out: 'steadysocket.vue' },
];
const input = Object.fromEntries(ENTRIES.map((e) => [e.out, e.src]));
// the frameworks are optional peers: never bundled
const external = ['react', 'vue'];

const ts = (target = 'ES2022') => typescript({ tsconfig: './tsconfig.json', noEmit: false, outDir: undefined, target });
// Private fields and class members are mangled in the UMD only; the ESM/CJS
// builds stay readable for users who step through them.
const terserOptions = {
  ecma: 2022,
  toplevel: true,
  compress: { passes: 3, pure_getters: true },
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
};

export default [
  // ESM and CJS: one build of all entries, sharing chunks, so an app that imports
  // `steadysocket/react` and `steadysocket` gets one SteadySocket class, not two
  {
    input,
    external,
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'steadysocket.internal-[name].mjs' },
      {
        dir: 'dist',
        format: 'cjs',
        exports: 'named',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'steadysocket.internal-[name].cjs',
      },
    ],
    plugins: [ts()],
  },
  // script-tag builds: one self-contained file per entry a page can use without a framework
  ...ENTRIES.filter((e) => e.global).map((e) => ({
    input: e.src,
    output: {
      file: `dist/${e.out}.umd.min.js`,
      format: 'umd',
      name: e.global,
      exports: 'named',
      plugins: [terser(terserOptions)],
    },
    // the script-tag build targets browsers with ES2022 (class fields and static blocks as is)
    plugins: [ts('ES2022')],
  })),
  ...['d.ts', 'd.cts'].map((ext) => ({
    input,
    external,
    output: { dir: 'dist', format: 'es', entryFileNames: `[name].${ext}`, chunkFileNames: `steadysocket.internal-[name].${ext}` },
    plugins: [dts()],
  })),
];
