// Builds the dashboard page (src/dashboard/page, Preact) into dist/dashboard/app.js and app.css with
// esbuild: type-checked first by its own tsconfig (DOM types, JSX), bundled and minified, no source maps.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const check = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/dashboard/page/tsconfig.json'], { stdio: 'inherit' });
if (check.status !== 0) process.exit(check.status ?? 1);

mkdirSync('dist/dashboard', { recursive: true });
await build({
  entryPoints: { app: 'src/dashboard/page/main.tsx' },
  outdir: 'dist/dashboard',
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
  logLevel: 'warning',
});
await build({ entryPoints: { app: 'src/dashboard/page/app.css' }, outdir: 'dist/dashboard', bundle: true, minify: true, logLevel: 'warning' });
