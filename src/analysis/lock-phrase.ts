// The lock a statement takes, and what that lock blocks, in the words rule messages use. Messages take these
// from the analysed statement (its relation locks, from the lock table), never spell them, so a fix to the lock
// model is a fix to every message that names the lock.
import { blockedText, lockSqlName, strongest, type LockMode } from './locks.js';
import { LOCK_TABLE } from './lock-table.js';
import type { Rel } from './names.js';
import type { AnalysedStatement, RelationRole } from './types.js';

export interface LockPhrase {
  /** As the manual spells it: `ACCESS EXCLUSIVE`, `SHARE`, `SHARE ROW EXCLUSIVE`. */
  lock: string;
  /** With its article, for running text: `an ACCESS EXCLUSIVE lock`, `a SHARE lock`. */
  aLock: string;
  /** What it blocks for other sessions: `reads and writes`, `writes`, `other schema changes`. */
  blocked: string;
}

function phrase(mode: LockMode): LockPhrase {
  const lock = lockSqlName(mode);
  return { lock, aLock: `${/^[AEIOU]/.test(lock) ? 'an' : 'a'} ${lock} lock`, blocked: blockedText(mode) };
}

/**
 * The lock `stmt` holds on `rel` (the strongest its actions take there), or, without `rel`, on the relation in
 * `role` (the target by default); then the statement's strongest lock. Undefined when it locks no relation.
 */
export function lockOf(stmt: Pick<AnalysedStatement, 'locks' | 'actions'>, rel?: Rel, role: RelationRole = 'target'): LockMode | undefined {
  const on = rel ? stmt.locks.filter((l) => l.rel.key === rel.key) : stmt.locks.filter((l) => l.role === role);
  let mode = on.reduce<LockMode | undefined>((m, l) => strongest(m, l.mode), undefined);
  // A relation the merged locks leave out (or none named, as in a whole-database VACUUM FULL): the actions' own lock.
  if (!mode) for (const a of stmt.actions) if (rel ? a.relation?.key === rel.key : !a.relation) mode = strongest(mode, a.lock);
  // No relation at all (VACUUM FULL of the whole database): the lock its lock-table row gives each table.
  if (!mode && !rel) for (const a of stmt.actions) if (!a.relation && a.fact) mode = strongest(mode, targetLock(a.fact));
  return mode ?? stmt.locks.reduce<LockMode | undefined>((m, l) => strongest(m, l.mode), undefined);
}

function targetLock(id: string): LockMode | undefined {
  return LOCK_TABLE.find((r) => r.id === id)?.locks.find((l) => l.role === 'target')?.mode;
}

/** `{ lock, aLock, blocked }` for a message's `{{lock}}`, `{{aLock}}` and `{{blocked}}`: see `lockOf`. */
export function lockPhrase(stmt: Pick<AnalysedStatement, 'locks' | 'actions'>, rel?: Rel, role?: RelationRole): LockPhrase {
  const mode = lockOf(stmt, rel, role);
  return mode ? phrase(mode) : { lock: 'no table lock', aLock: 'no table lock', blocked: 'nothing' };
}

/**
 * The target lock of a lock-table row, for messages about a statement the user would run later (widening a
 * column is `alter-column-type-rewrite`). Throws on an unknown row id, so a renamed row fails the rule's tests.
 */
export function factLockPhrase(id: string): LockPhrase {
  const mode = targetLock(id);
  if (!mode) throw new Error(`lock table has no row "${id}" with a target lock`);
  return phrase(mode);
}
