// Table-level lock modes, in Postgres's own names and strength order.
// https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES

export const LOCK_MODES = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

const rank = (m: LockMode) => LOCK_MODES.indexOf(m);

/** The manual's "Conflicting Lock Modes" table, as the set of modes each mode conflicts with. */
const CONFLICTS: Record<LockMode, LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: [...LOCK_MODES],
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

export function strongest(a: LockMode | undefined, b: LockMode | undefined): LockMode | undefined {
  if (!a) return b;
  if (!b) return a;
  return rank(a) >= rank(b) ? a : b;
}

export function atLeast(m: LockMode, than: LockMode): boolean {
  return rank(m) >= rank(than);
}

/** Plain SELECTs take ACCESS SHARE, so a mode blocks reads when it conflicts with that. */
export function blocksReads(m: LockMode): boolean {
  return conflicts(m, 'AccessShareLock');
}

/** INSERT/UPDATE/DELETE take ROW EXCLUSIVE. */
export function blocksWrites(m: LockMode): boolean {
  return conflicts(m, 'RowExclusiveLock');
}

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as the manual and LOCK TABLE spell it. */
export function lockSqlName(m: LockMode): string {
  return m.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

export function blockedText(m: LockMode): string {
  const r = blocksReads(m);
  const w = blocksWrites(m);
  return r && w ? 'reads and writes' : w ? 'writes' : r ? 'reads' : 'other schema changes';
}

/** LOCK TABLE's numeric mode (1 = ACCESS SHARE … 8 = ACCESS EXCLUSIVE). */
export function lockFromNumber(n: number | undefined): LockMode {
  return LOCK_MODES[Math.max(0, Math.min(7, (n ?? 8) - 1))];
}

export type Cost = 'none' | 'catalog' | 'scan' | 'index-build' | 'rewrite';
const COST_ORDER: Cost[] = ['none', 'catalog', 'scan', 'index-build', 'rewrite'];

export function maxCost(a: Cost, b: Cost): Cost {
  return COST_ORDER.indexOf(a) >= COST_ORDER.indexOf(b) ? a : b;
}

export function costText(c: Cost): string {
  switch (c) {
    case 'rewrite': return 'rewrites the whole table and its indexes';
    case 'index-build': return 'builds an index over the whole table';
    case 'scan': return 'scans the whole table';
    case 'catalog': return 'changes only the catalog';
    default: return 'touches no table';
  }
}
