import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { flatRoot, type FrameworkPreset } from './types.js';

// Flyway names: V<version>__<description>.sql (versioned), U<version>__… (undo), R__… (repeatable), B<version>__… (baseline).
const VERSIONED = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/i;

const UNDO = /^U(\d+(?:[._]\d+)*)__(.+)\.sql$/i;

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// What Flyway's PostgreSQL parser treats as non-transactional.
const NON_TRANSACTIONAL = /^(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[\s\S]*\bCONCURRENTLY|VACUUM|ALTER\s+SYSTEM|(CREATE|DROP)\s+(DATABASE|TABLESPACE))\b/i;

function stripComments(sql: string): string {
  return sql.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
}

/** Reads `executeInTransaction` from the migration's script config file (`V1__x.sql.conf`), if any. */
function scriptConfigExecuteInTransaction(path: string): boolean | undefined {
  let conf: string;
  try {
    conf = readFileSync(`${path}.conf`, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^\s*(?:flyway\.)?executeInTransaction\s*=\s*(true|false)\s*$/im.exec(conf);
  return m ? m[1].toLowerCase() === 'true' : undefined;
}

/**
 * Flyway: versioned `V1_2__name.sql` files in version order; undo (`U`),
 * repeatable (`R`) and baseline (`B`) scripts are not forward migrations.
 * Each migration runs in a transaction unless its script config file sets
 * `executeInTransaction=false`. `${placeholders}` are replaced by their
 * `placeholders` values from the config (see placeholders.ts).
 */
export const flyway: FrameworkPreset = {
  name: 'flyway',
  label: 'Flyway',
  root: flatRoot,
  upFor(downPath) {
    // U<version>__… undoes V<version>__… in the same directory, whatever its description.
    const m = UNDO.exec(basename(downPath));
    if (!m) return undefined;
    const dir = dirname(downPath);
    const up = listDir(dir).find((n) => VERSIONED.exec(n)?.[1] === m[1]);
    return up ? join(dir, up) : undefined;
  },
  isMigration: (path) => VERSIONED.test(basename(path)),
  downs: { in: 'file' },
  recognise: (path) => VERSIONED.test(basename(path)),
  isDown: (path) => UNDO.test(basename(path)),
  prepare(path, text, statements) {
    const own = scriptConfigExecuteInTransaction(path);
    // Flyway runs a migration made only of statements Postgres refuses in a transaction without one; a mix of
    // those and other statements is refused unless `mixed=true`, and then runs in a transaction.
    const standalone = statements.length > 0 && statements.every((s) => NON_TRANSACTIONAL.test(stripComments(s.text)));
    return {
      text,
      inTransaction: own ?? !standalone,
      optOut: `Flyway runs each migration in a transaction: create the script config file \`${basename(path)}.conf\` next to it containing \`executeInTransaction=false\`, and keep this statement in a migration of its own`,
    };
  },
  downFor(upPath, _text, list = listDir) {
    // Undo migrations (Flyway Teams): U<same version>__<anything>.sql in the same directory.
    const m = VERSIONED.exec(basename(upPath));
    if (!m) return undefined;
    const dir = dirname(upPath);
    const undo = list(dir).find((n) => UNDO.exec(n)?.[1] === m[1]);
    return undo ? { kind: 'file', path: join(dir, undo) } : undefined;
  },
  missingDown(upPath, list) {
    // Named after the up (`V2__add_phone.sql` → `U2__add_phone.sql`); expected only where some undo script exists.
    const name = basename(upPath);
    if (!VERSIONED.test(name)) return undefined;
    return { path: join(dirname(upPath), `U${name.slice(1)}`), expected: list(dirname(upPath)).some((n) => UNDO.test(n)) };
  },
};
