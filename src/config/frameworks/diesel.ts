import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { dirPerMigrationRoot, type FrameworkPreset } from './types.js';

/** diesel 2: `metadata.toml` next to `up.sql` may set `run_in_transaction = false`. */
function runInTransaction(dir: string): boolean {
  try {
    const toml = readFileSync(join(dir, 'metadata.toml'), 'utf8');
    const m = /^\s*run_in_transaction\s*=\s*(true|false)\s*$/m.exec(toml);
    return m ? m[1] === 'true' : true;
  } catch {
    return true;
  }
}

/** diesel: `migrations/<version>_<name>/up.sql` with `down.sql` beside it; each runs in a transaction. */
export const diesel: FrameworkPreset = {
  name: 'diesel',
  label: 'diesel',
  root: dirPerMigrationRoot,
  upFor: (downPath) => (basename(downPath) === 'down.sql' ? join(dirname(downPath), 'up.sql') : undefined),
  isMigration: (path) => basename(path) === 'up.sql',
  downs: { in: 'file' },
  recognise: (path) => basename(path).toLowerCase() === 'up.sql',
  isDown: (path) => basename(path).toLowerCase() === 'down.sql',
  prepare(path, text) {
    return {
      text,
      inTransaction: runInTransaction(dirname(path)),
      optOut: 'diesel runs each migration in a transaction: add `metadata.toml` containing `run_in_transaction = false` to this migration\'s directory, and keep this statement in a migration of its own',
    };
  },
  downFor: (upPath) => ({ kind: 'file', path: join(dirname(upPath), 'down.sql') }),
  // diesel orders by version: the directory name up to its first `_`, with `-` removed, compared as a string
  // (so `2017-08-31-…` sorts after `20170820…`).
  order: (paths) => paths.map((p) => ({ p, v: version(p) })).sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0)).map((x) => x.p),
};

function version(path: string): string {
  return basename(dirname(path)).split('_')[0].replace(/-/g, '');
}
