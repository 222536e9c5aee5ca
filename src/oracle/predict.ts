// What pgsafe predicts for one statement, in the vocabulary `pgsafe locks` prints and the oracle compares:
// lock per relation with its role, cost, rewritten and scanned relations, what is blocked.
import { blocksReads, blocksWrites, maxCost, strongest, type Cost, type LockMode } from '../analysis/locks.js';
import type { Rel } from '../analysis/names.js';
import type { Action, AnalysedStatement } from '../analysis/types.js';
import type { SourceStatement } from '../source/index.js';

// SHIM until core's fields land in main (CONTRACTS.md "Statement facts"): `RelationLock.role`,
// `AnalysedStatement.rewrites` and `.scans`. Each is read from the statement when present; otherwise it is
// worked out here from the actions. Delete `RelationRole`, `shimRole`, `shimRewrites` and `shimScans` then.
export type RelationRole = 'target' | 'referenced' | 'referencing' | 'partition' | 'parent' | 'index' | 'dependent' | 'read';

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

function shimRole(a: Action, viaAlso: boolean): RelationRole {
  if (!viaAlso) return a.type === 'select' ? 'read' : 'target';
  return a.type === 'attach-partition' || a.type === 'detach-partition' ? 'partition' : 'referenced';
}

function shimParent(a: Action, rel: Rel): boolean {
  const inh: any[] = a.node?.inhRelations ?? [];
  return a.type === 'create-table' && inh.some((p) => p?.RangeVar?.relname === rel.name);
}

const SCANS: Cost[] = ['scan', 'index-build', 'rewrite'];

function shimRewrites(actions: Action[], isNew: (r: Rel) => boolean): string[] {
  return unique(actions.filter((a) => a.cost === 'rewrite' && a.relation && !isNew(a.relation)).map((a) => a.relation!.key));
}

function shimScans(actions: Action[], isNew: (r: Rel) => boolean): string[] {
  const out: Rel[] = [];
  for (const a of actions) {
    if (!SCANS.includes(a.cost) || !a.relation) continue;
    out.push(a.relation);
    // Validating a foreign key joins the referencing table to the referenced one: both are read in full.
    const fk = a.constraint?.kind === 'foreign' && (a.type === 'add-constraint' || a.type === 'validate-constraint');
    if (fk) for (const x of a.also ?? []) out.push(x.rel);
  }
  return unique(out.filter((r) => !isNew(r)).map((r) => r.key));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * The facts of a top-level statement. `nested` are the statements pgsafe found inside its PL/pgSQL body (a DO
 * block): they run as part of it, so their locks and costs are the statement's.
 */
export function predict(a: AnalysedStatement, nested: AnalysedStatement[] = []): Predicted {
  const all = [a, ...nested];
  const byRel = new Map<string, PredictedLock>();
  const newKeys = new Set<string>();
  for (const s of all) for (const l of s.locks) if (l.isNew) newKeys.add(l.rel.key);
  const isNew = (r: Rel) => newKeys.has(r.key);
  const put = (relation: string, mode: LockMode, role: RelationRole, fresh: boolean) => {
    const prev = byRel.get(relation);
    if (!prev) byRel.set(relation, { relation, mode, role, isNew: fresh });
    else byRel.set(relation, { ...prev, mode: strongest(prev.mode, mode)!, isNew: prev.isNew || fresh });
  };
  for (const s of all) {
    for (const l of s.locks) {
      const role = (l as { role?: RelationRole }).role ?? roleFromActions(s.actions, l.rel);
      put(l.rel.key, l.mode, role, l.isNew);
    }
  }
  let cost: Cost = 'none';
  for (const s of all) cost = maxCost(cost, s.cost);
  const facts = all.map((s) => s as AnalysedStatement & { rewrites?: Rel[]; scans?: Rel[] });
  const rewrites = unique(facts.flatMap((s) => (s.rewrites ? s.rewrites.map((r) => r.key) : shimRewrites(s.actions, isNew))));
  const scans = unique(facts.flatMap((s) => (s.scans ? s.scans.map((r) => r.key) : shimScans(s.actions, isNew))));
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

function roleFromActions(actions: Action[], rel: Rel): RelationRole {
  // ATTACH/DETACH PARTITION name the partition both in `also` and as a second action of its own.
  if (actions.some((a) => (a.type === 'attach-partition' || a.type === 'detach-partition') && a.also?.some((x) => x.rel.key === rel.key))) return 'partition';
  for (const a of actions) if (a.relation?.key === rel.key) return shimRole(a, false);
  for (const a of actions) if (a.also?.some((x) => x.rel.key === rel.key)) return shimParent(a, rel) ? 'parent' : shimRole(a, true);
  return 'target';
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
