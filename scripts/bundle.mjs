// Bundles the CLI into dist/bundle/ (one ESM module plus lazily loaded chunks for
// `lsp` and the like). Loading ~140 small modules cost ~60 ms of a ~330 ms
// single-file lint; pre-commit hooks run pgsafe on every commit. Packages stay
// external (resolved from node_modules); dist/src/ (tsc) stays for tests and scripts.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
