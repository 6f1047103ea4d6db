import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

const input = 'src/index.ts';
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
  {
    input,
    output: [
      { file: 'dist/steadysocket.mjs', format: 'es', sourcemap: false },
      { file: 'dist/steadysocket.cjs', format: 'cjs', exports: 'named', sourcemap: false },
    ],
    plugins: [ts()],
  },
  {
    input,
    output: {
      file: 'dist/steadysocket.umd.min.js',
      format: 'umd',
      name: 'steadysocket',
      exports: 'named',
      plugins: [terser(terserOptions)],
    },
    // the script-tag build targets browsers with ES2022 (class fields and static blocks as is)
    plugins: [ts('ES2022')],
  },
  {
    input,
    output: [{ file: 'dist/steadysocket.d.ts', format: 'es' }, { file: 'dist/steadysocket.d.cts', format: 'es' }],
    plugins: [dts()],
  },
];
