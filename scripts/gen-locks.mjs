// Writes the lock table into docs/locks.md (run after the build). With --check, exits 1 when it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { locksPage } = await import(join(root, 'dist/src/analysis/lock-docs.js'));
const path = join(root, 'docs/locks.md');
let cur = null;
try { cur = readFileSync(path, 'utf8'); } catch {}
const want = locksPage(cur);
if (cur !== want) {
  if (process.argv.includes('--check')) {
    console.error('stale: docs/locks.md\nrun: npm run gen:docs');
    process.exit(1);
  }
  writeFileSync(path, want);
}
