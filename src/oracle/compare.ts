// Predicted against observed, for one statement. Relations are compared by name (`schema.name`).
import type { LockMode } from '../analysis/locks.js';
import type { Observed } from './observe.js';
import type { Predicted } from './predict.js';

export interface LockDiff {
  relation: string;
  predicted?: LockMode;
  observed?: LockMode;
}

export interface Comparison {
  /** Null when not compared (the statement ran outside a transaction, so its locks were not seen). */
  locks: LockDiff[] | null;
  rewrites: { predicted: string[]; observed: string[] } | null;
  scans: { predicted: string[]; observed: string[] } | null;
  agree: { locks: boolean | null; rewrite: boolean | null; scan: boolean | null; all: boolean };
}

/** Tables, views and the like: a lock on them is always compared. Indexes and sequences only when pgsafe names them. */
const MAIN_KINDS = new Set(['r', 'p', 'v', 'm', 'f']);

/** Statements whose scans depend on the query plan, not on the lock model. */
export const PLAN_DECIDES_SCAN = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt', 'SelectStmt', 'CopyStmt']);

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function compare(p: Predicted, o: Observed): Comparison {
  const existed = new Map([...o.before.values()].map((r) => [r.name, r]));
  // Locks on what this very statement creates are not compared (the observed side drops them the same way).
  const predicted = new Map(p.locks.filter((l) => existed.has(l.relation) || !l.isNew).map((l) => [l.relation, l.mode]));
  let locks: LockDiff[] | null = null;
  if (o.how === 'transaction') {
    const observed = new Map<string, LockMode>();
    const tableAel = new Set(o.locks.filter((l) => l.mode === 'AccessExclusiveLock').map((l) => l.relation));
    for (const l of o.locks) {
      const named = predicted.has(l.relation);
      // An index locked ACCESS EXCLUSIVE while its table is not blocks reads through it: pgsafe must name it.
      const hiddenAel = l.mode === 'AccessExclusiveLock' && l.table !== undefined && !tableAel.has(l.table);
      if (MAIN_KINDS.has(l.kind) || named || hiddenAel) observed.set(l.relation, l.mode);
    }
    locks = [];
    for (const rel of new Set([...predicted.keys(), ...observed.keys()])) {
      const a = predicted.get(rel);
      const b = observed.get(rel);
      if (a !== b) locks.push({ relation: rel, ...(a ? { predicted: a } : {}), ...(b ? { observed: b } : {}) });
    }
    locks.sort((x, y) => x.relation.localeCompare(y.relation));
  }
  // Rewrites and scans count only on relations holding rows before the statement: on an empty one they cost nothing.
  const filled = (name: string) => (existed.get(name)?.size ?? 0) > 0;
  const rewrites = { predicted: p.rewrites.filter(filled).sort(), observed: o.rewrites.filter(filled).sort() };
  const scanCompared = o.how === 'transaction' && !PLAN_DECIDES_SCAN.has(p.kind);
  const scans = scanCompared ? { predicted: p.scans.filter(filled).sort(), observed: o.scans.filter(filled).sort() } : null;
  const agree = {
    locks: locks ? locks.length === 0 : null,
    rewrite: sameSet(rewrites.predicted, rewrites.observed),
    scan: scans ? sameSet(scans.predicted, scans.observed) : null,
    all: false,
  };
  agree.all = agree.locks !== false && agree.rewrite && agree.scan !== false;
  return { locks, rewrites, scans, agree };
}
