// What pgsafe predicts for one statement, in the vocabulary `pgsafe locks` prints and the oracle compares:
// lock per relation with its role, cost, rewritten and scanned relations, what is blocked.
import { blocksReads, blocksWrites, maxCost, strongest, type Cost, type LockMode } from '../analysis/locks.js';
import type { AnalysedStatement, RelationRole } from '../analysis/types.js';
import type { SourceStatement } from '../source/index.js';

export interface PredictedLock {
  /** `schema.name`, `public` for unqualified names. */
  relation: string;
  mode: LockMode;
  role: RelationRole;
  /** Created earlier in the same file (or by this statement): empty and unseen by the application. */
  isNew: boolean;
}

export interface Predicted {
  kind: string;
  inTransaction: boolean;
  locks: PredictedLock[];
  cost: Cost;
  rewrites: string[];
  scans: string[];
  blocks: { reads: boolean; writes: boolean };
  /** Why pgsafe could not work out what the statement does; its facts are then incomplete. */
  unanalyzed?: string;
}

/**
 * The facts of a top-level statement. `nested` are the statements pgsafe found inside its PL/pgSQL body (a DO
 * block): they run as part of it, so their locks and costs are the statement's.
 */
export function predict(a: AnalysedStatement, nested: AnalysedStatement[] = []): Predicted {
  const all = [a, ...nested];
  const byRel = new Map<string, PredictedLock>();
  const put = (relation: string, mode: LockMode, role: RelationRole, fresh: boolean) => {
    const prev = byRel.get(relation);
    if (!prev) byRel.set(relation, { relation, mode, role, isNew: fresh });
    else byRel.set(relation, { ...prev, mode: strongest(prev.mode, mode)!, isNew: prev.isNew || fresh });
  };
  for (const s of all) {
    for (const l of s.locks) {
      put(l.rel.key, l.mode, l.role, l.isNew);
    }
  }
  let cost: Cost = 'none';
  for (const s of all) cost = maxCost(cost, s.cost);
  const rewrites = [...new Set(all.flatMap((s) => s.rewrites.map((r) => r.key)))];
  const scans = [...new Set(all.flatMap((s) => s.scans.map((r) => r.key)))];
  const locks = [...byRel.values()];
  const existing = locks.filter((l) => !l.isNew);
  const unanalyzed = all.map((s) => s.unanalyzed).find(Boolean);
  return {
    kind: a.kind,
    inTransaction: a.tx.inTransaction,
    locks,
    cost,
    rewrites,
    scans,
    blocks: { reads: existing.some((l) => blocksReads(l.mode)), writes: existing.some((l) => blocksWrites(l.mode)) },
    ...(unanalyzed ? { unanalyzed } : {}),
  };
}

export interface StatementFacts extends Predicted {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The statement's index in the file. */
  index: number;
  /** The statement's text as the server receives it. */
  sql: string;
}

/**
 * The facts of every top-level statement of a linted file, in order. Statements that did not parse are included
 * with `unanalyzed` set, so nothing is passed over silently.
 */
export function predictFile(path: string, analysed: AnalysedStatement[], parsed?: { statements: SourceStatement[] }): StatementFacts[] {
  const nested = new Map<SourceStatement, AnalysedStatement[]>();
  for (const a of analysed) {
    let top = a.source;
    while (top.parent) top = top.parent;
    if (top !== a.source) nested.set(top, [...(nested.get(top) ?? []), a]);
  }
  const byStart = new Map(analysed.filter((a) => !a.source.parent).map((a) => [a.source.start, a]));
  const sources = parsed?.statements ?? analysed.filter((a) => !a.source.parent).map((a) => a.source);
  const out: StatementFacts[] = [];
  for (const s of sources) {
    const a = byStart.get(s.start);
    const at = { path, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn, index: s.index, sql: s.text };
    if (a) out.push({ ...at, ...predict(a, nested.get(a.source) ?? []) });
    else {
      const why = s.kind === 'SyntaxError' ? `syntax error: ${s.error?.message ?? 'the statement does not parse'}` : 'pgsafe failed to analyse this statement';
      out.push({ ...at, kind: s.kind, inTransaction: false, locks: [], cost: 'none', rewrites: [], scans: [], blocks: { reads: false, writes: false }, unanalyzed: why });
    }
  }
  return out;
}
