// The oracle: run migrations statement by statement on a real server and compare each with pgsafe's prediction.
import type { FileOptions } from '../analysis/analyzer.js';
import { lintSync } from '../engine/engine.js';
import { initParser } from '../source/index.js';
import { compare, type Comparison } from './compare.js';
import { observe, type Observed } from './observe.js';
import { predictFile, type StatementFacts } from './predict.js';
import type { OracleSession } from './server.js';

export interface OracleFile {
  path: string;
  text: string;
  fileOptions?: FileOptions;
  /** False: only run it (setup), compare nothing. */
  observe?: boolean;
  /** Already on the server (a template database): it only feeds pgsafe's prediction. */
  applied?: boolean;
}

export type Outcome = 'compared' | 'failed' | 'not-compared';

export interface StatementVerdict {
  path: string;
  line: number;
  kind: string;
  sql: string;
  predicted: StatementFacts;
  outcome: Outcome;
  /** For `failed`: the server's error; for `not-compared`: why. */
  note?: string;
  observed?: Omit<Observed, 'before'>;
  comparison?: Comparison;
}

export interface OracleResult {
  statements: StatementVerdict[];
  seedWarnings: string[];
  /** Setup statements the server refused. */
  setupErrors: string[];
}

/** Statements with no table effect of their own: run them, compare nothing. */
const SESSION_KINDS = new Set(['TransactionStmt', 'VariableSetStmt', 'VariableShowStmt']);

/** pgsafe's facts for every top-level statement of the files, analysed in order as `lint` does. */
export async function predictFiles(files: OracleFile[], pgVersion: number): Promise<StatementFacts[][]> {
  await initParser();
  const results = lintSync(files.map((f) => ({ path: f.path, text: f.text, fileOptions: f.fileOptions })), { rules: [], pgVersion, assumeInTransaction: false });
  return results.map((r, i) => predictFile(files[i].path, r.analysed ?? [], r.parsed));
}

/**
 * Runs the files in order on `session`'s database. Before each observed file, every table without rows gets some,
 * so tables created earlier in that file stay empty, as pgsafe assumes. With `rollback`, each observed statement is
 * rolled back (one example after another on the same database); statements that refuse a transaction block still commit.
 */
export async function runOracle(session: OracleSession, files: OracleFile[], opts: { pgVersion: number; rollback?: boolean }): Promise<OracleResult> {
  const facts = await predictFiles(files, opts.pgVersion);
  const out: OracleResult = { statements: [], seedWarnings: [], setupErrors: [] };
  for (const [i, file] of files.entries()) {
    if (file.applied) continue;
    const watch = file.observe !== false;
    if (watch) out.seedWarnings.push(...(await session.seed()));
    for (const p of facts[i]) {
      const base = { path: file.path, line: p.line, kind: p.kind, sql: p.sql, predicted: p };
      if (p.kind === 'SyntaxError' || p.kind === 'TransactionStmt') {
        if (watch) out.statements.push({ ...base, outcome: 'not-compared', note: p.kind === 'SyntaxError' ? 'does not parse' : 'transaction control: each statement runs in its own transaction' });
        continue;
      }
      if (!watch) {
        try {
          await session.client.query(p.sql);
        } catch (err) {
          out.setupErrors.push(`${file.path}:${p.line}: ${(err as Error).message}`);
        }
        continue;
      }
      const o = await observe(session.client, p.sql, { rollback: opts.rollback });
      if ('error' in o) {
        out.statements.push({ ...base, outcome: 'failed', note: o.error });
        continue;
      }
      const { before: _before, ...observed } = o;
      if (SESSION_KINDS.has(p.kind)) {
        // Observed and compared, but not counted: a SET agrees trivially.
        out.statements.push({ ...base, outcome: 'not-compared', note: 'session setting', observed, comparison: compare(p, o) });
        continue;
      }
      out.statements.push({ ...base, outcome: 'compared', observed, comparison: compare(p, o) });
    }
  }
  return out;
}

export interface Agreement {
  statements: number;
  compared: number;
  failed: number;
  notCompared: number;
  all: number;
  locks: number;
  rewrite: number;
  scan: number;
  /** Compared statements whose scans were compared (not DML, not run outside a transaction). */
  scanCompared: number;
  lockCompared: number;
}

export function agreement(statements: StatementVerdict[]): Agreement {
  const c = statements.filter((s) => s.outcome === 'compared');
  const count = (f: (s: StatementVerdict) => boolean) => c.filter(f).length;
  return {
    statements: statements.length,
    compared: c.length,
    failed: statements.filter((s) => s.outcome === 'failed').length,
    notCompared: statements.filter((s) => s.outcome === 'not-compared').length,
    all: count((s) => s.comparison!.agree.all),
    locks: count((s) => s.comparison!.agree.locks === true),
    lockCompared: count((s) => s.comparison!.agree.locks !== null),
    rewrite: count((s) => s.comparison!.agree.rewrite === true),
    scan: count((s) => s.comparison!.agree.scan === true),
    scanCompared: count((s) => s.comparison!.agree.scan !== null),
  };
}
