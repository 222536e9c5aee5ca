// The build: dist/src and dist/rules (one ES module per source file, for tests and scripts), then the CLI bundle
// (scripts/bundle.mjs). The modules are transpiled by esbuild, which strips types file by file; it does not
// type-check. The type check is `npm run typecheck` (one tsc over src, rules and test, without emit), which
// `npm test` runs before the build. `isolatedModules` in tsconfig.json makes tsc refuse what a file-by-file
// transpiler cannot get right (a re-exported type without `type`), so the two agree.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function tsFiles(dir) {
  const out = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(join(root, rel));
  }
  return out;
}

// A module deleted from src/ must not live on in dist/.
for (const d of ['src', 'rules']) rmSync(join(root, 'dist', d), { recursive: true, force: true });
await build({
  entryPoints: [...tsFiles('src'), ...tsFiles('rules')],
  outdir: join(root, 'dist'),
  outbase: root,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: 'warning',
});
await import('./bundle.mjs');
