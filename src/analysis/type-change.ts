// Whether ALTER COLUMN … TYPE rewrites the table. Binary-coercible changes
// skip the rewrite (and, for most, the index rebuild).
// https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
import type { Cost } from './locks.js';
import type { TypeInfo } from './names.js';

const TEXTUAL = new Set(['varchar', 'text']);

export function typeChangeCost(
  oldType: TypeInfo | undefined,
  newType: TypeInfo | undefined,
  hasUsing: boolean,
  tableIsNew: boolean,
  /** PG major, and whether the session TimeZone is UTC: timestamp ↔ timestamptz then keeps every stored value. */
  session: { pgVersion?: number; timeZoneUtc?: boolean } = {},
): { cost: Cost; reason: string } {
  const to = newType?.sql ?? 'the new type';
  if (tableIsNew) return { cost: 'rewrite', reason: `type change to ${to} on a table created in this migration` };
  if (!oldType || !newType) {
    return { cost: 'rewrite', reason: `the column's current type is not known to pgsafe, so a rewrite to ${to} cannot be ruled out` };
  }
  const from = oldType.sql;
  // PG 12+ skips the rewrite when the session's TimeZone is UTC: the stored microseconds do not change.
  const tsPair = (oldType.name === 'timestamp' && newType.name === 'timestamptz') || (oldType.name === 'timestamptz' && newType.name === 'timestamp');
  if (tsPair && !hasUsing && session.timeZoneUtc && (session.pgVersion ?? 0) >= 12 && oldType.array === newType.array && (newType.mods.length === 0 || (oldType.mods.length > 0 && newType.mods[0] >= oldType.mods[0]))) {
    return { cost: 'catalog', reason: `${from} → ${to} keeps the stored values while the session's TimeZone is UTC (PG 12+)` };
  }
  if (hasUsing) return { cost: 'rewrite', reason: `type change ${from} → ${to} with USING rewrites every row` };
  if (oldType.array !== newType.array) return { cost: 'rewrite', reason: `type change ${from} → ${to}` };
  if (coercible(oldType, newType)) return { cost: 'catalog', reason: `${from} → ${to} is binary-coercible` };
  return { cost: 'rewrite', reason: `type change ${from} → ${to} rewrites the table and rebuilds its indexes` };
}

function coercible(a: TypeInfo, b: TypeInfo): boolean {
  if (a.name === b.name && a.mods.join() === b.mods.join()) return true;
  if (a.name === 'varchar' && b.name === 'varchar') return b.mods.length === 0 || (a.mods.length > 0 && b.mods[0] >= a.mods[0]);
  if (a.name === 'varchar' && b.name === 'text') return true;
  if (a.name === 'text' && b.name === 'varchar') return b.mods.length === 0;
  if (TEXTUAL.has(a.name) && b.name === 'citext') return false;
  if (a.name === 'numeric' && b.name === 'numeric') {
    if (b.mods.length === 0) return true;
    // Same scale, greater or equal precision.
    return a.mods.length > 0 && (a.mods[1] ?? 0) === (b.mods[1] ?? 0) && b.mods[0] >= a.mods[0];
  }
  if (a.name === 'varbit' && b.name === 'varbit') return b.mods.length === 0 || (a.mods.length > 0 && b.mods[0] >= a.mods[0]);
  if (a.name === 'cidr' && b.name === 'inet') return true;
  if ((a.name === 'timestamp' || a.name === 'timestamptz') && a.name === b.name) return b.mods.length === 0 || (a.mods.length > 0 && b.mods[0] >= a.mods[0]);
  return false;
}
