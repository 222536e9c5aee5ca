import { basename } from 'node:path';
import { flatRoot, type FrameworkPreset } from './types.js';

/**
 * golang-migrate: `<version>_<title>.up.sql`, paired with `.down.sql`. It does
 * not wrap files in a transaction, but the Postgres driver sends a whole file
 * as one query string, and Postgres runs a multi-statement query string as one
 * implicit transaction block (unless `x-multi-statement=true` splits it). So a
 * file with several statements behaves as if wrapped; a single statement does not.
 */
export const golangMigrate: FrameworkPreset = {
  name: 'golang-migrate',
  label: 'golang-migrate',
  root: flatRoot,
  upFor: (downPath) => (/\.down\.sql$/i.test(downPath) ? downPath.replace(/\.down\.sql$/i, '.up.sql') : undefined),
  isMigration: (path) => /\.up\.sql$/i.test(basename(path)),
  downs: { in: 'file' },
  recognise: (path) => /\.up\.sql$/i.test(basename(path)),
  isDown: (path) => /\.down\.sql$/i.test(basename(path)),
  prepare(_path, text, statements) {
    return {
      text,
      inTransaction: statements.length > 1,
      implicit: true,
      optOut: 'golang-migrate sends the whole file as one query, which Postgres runs as one implicit transaction: move this statement into a migration file of its own, with no other statement',
    };
  },
  downFor(upPath) {
    return { kind: 'file', path: upPath.replace(/\.up\.sql$/i, '.down.sql') };
  },
};
