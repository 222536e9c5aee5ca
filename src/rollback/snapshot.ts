// One shape for "what the schema looks like", filled either from pgsafe's schema model (the static round trip) or
// from a live catalog (the replay round trip), and one diff over it, so both round trips report the same problems in
// the same words.
import type { SchemaModel } from '../analysis/schema.js';
import type { TypeInfo } from '../analysis/names.js';

export interface ColumnSnap {
  /** Canonical: `int4`, `varchar(20)`, `numeric(10,2)`, `text[]`. */
  type?: string;
  notNull: boolean;
  hasDefault: boolean;
  /** The default expression, when known (catalog only). */
  default?: string;
}

export interface TableSnap {
  key: string;
  name: string;
  columns: Map<string, ColumnSnap>;
}

export interface ConstraintSnap {
  table: string;
  name: string;
  kind: string;
  columns: string[];
  /** `pg_get_constraintdef`, when known (catalog only). */
  def?: string;
}

export interface IndexSnap {
  table: string;
  name: string;
  columns: string[];
  unique: boolean;
}

export interface EnumSnap {
  name: string;
  values: string[];
}

export interface Snapshot {
  tables: Map<string, TableSnap>;
  /** Key: `<table key>.<constraint name>`. */
  constraints: Map<string, ConstraintSnap>;
  /** Key: `<schema>.<index name>`. */
  indexes: Map<string, IndexSnap>;
  enums: Map<string, EnumSnap>;
}

export type IssueKind = 'table' | 'column' | 'constraint' | 'index' | 'enum';
/**
 * - `not-undone`: up added it (or changed it) and down leaves it;
 * - `not-restored`: up dropped it and down does not bring it back;
 * - `changed`: it exists before and after, but differs;
 * - `dropped-extra`: down drops something that existed before up;
 * - `created-extra`: down creates something that did not exist before up.
 */
export type IssueProblem = 'not-undone' | 'not-restored' | 'changed' | 'dropped-extra' | 'created-extra';

export interface RoundTripIssue {
  kind: IssueKind;
  /** Display name: `users`, `users.phone`, `idx_a`, `users_email_key`, `mood`. */
  name: string;
  /** Key of the object in the snapshot. */
  key: string;
  /** Table key for columns, constraints and indexes. */
  table?: string;
  problem: IssueProblem;
  /** What is wrong, in the words of a message: `down does not drop column "users"."phone" added by up`. */
  message: string;
}

export function emptySnapshot(): Snapshot {
  return { tables: new Map(), constraints: new Map(), indexes: new Map(), enums: new Map() };
}

export function displayName(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

const SERIAL: Record<string, string> = { serial: 'int4', bigserial: 'int8', smallserial: 'int2' };

export function canonType(t: TypeInfo | undefined): string | undefined {
  if (!t) return undefined;
  const name = SERIAL[t.name] ?? t.name;
  return `${name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

/** The tables (not views), constraints, indexes and enums pgsafe's schema model knows. */
/**
 * `only`: table keys to include (with their constraints and indexes) plus enum keys; undefined for everything.
 * Objects no statement of a round trip touches are equal in every snapshot of it, so leaving them out changes no diff.
 */
export function snapshotFromModel(model: SchemaModel, only?: Set<string>): Snapshot {
  const s = emptySnapshot();
  for (const t of model.tables.values()) {
    if (t.kind !== 'table' && t.kind !== 'partitioned') continue;
    if (only && !only.has(t.rel.key)) continue;
    const columns = new Map<string, ColumnSnap>();
    for (const c of t.columns.values()) {
      const serial = !!c.type && c.type.name in SERIAL;
      columns.set(c.name, { type: canonType(c.type), notNull: c.notNull || serial, hasDefault: c.hasDefault || serial });
    }
    s.tables.set(t.rel.key, { key: t.rel.key, name: displayName(t.rel.key), columns });
    for (const c of t.constraints.values()) {
      // NOT NULL is a column property (pg_constraint has no row for it before PG 18).
      if (c.kind === 'notnull' || c.kind === 'other') continue;
      s.constraints.set(`${t.rel.key}.${c.name}`, { table: t.rel.key, name: c.name, kind: c.kind, columns: [...c.columns] });
    }
  }
  for (const [key, i] of model.indexes) {
    const table = model.table(i.table)?.rel.key ?? i.table.key;
    if (only && !only.has(table) && !only.has(key)) continue;
    s.indexes.set(key, { table, name: i.name, columns: [...i.columns], unique: i.unique });
  }
  for (const [key, e] of model.enums) if (!only || only.has(key)) s.enums.set(key, { name: displayName(key), values: [...e.values] });
  return s;
}

function q(name: string): string {
  return name.split('.').map((p) => `"${p}"`).join('.');
}

function colLabel(table: string, column: string): string {
  return `${q(displayName(table))}."${column}"`;
}

function describeColumn(c: ColumnSnap): string {
  return [c.type ?? 'unknown type', c.notNull ? 'NOT NULL' : 'nullable', c.default ? `DEFAULT ${c.default}` : c.hasDefault ? 'with a default' : 'no default'].join(', ');
}

function columnDiff(a: ColumnSnap, b: ColumnSnap): string | undefined {
  const parts: string[] = [];
  if (a.type && b.type && a.type !== b.type) parts.push(`type ${b.type}, was ${a.type}`);
  if (a.notNull !== b.notNull) parts.push(b.notNull ? 'NOT NULL, was nullable' : 'nullable, was NOT NULL');
  if (a.hasDefault !== b.hasDefault) parts.push(b.hasDefault ? `a default${b.default ? ` (${b.default})` : ''}, had none` : `no default, had ${a.default ?? 'one'}`);
  else if (a.default !== undefined && b.default !== undefined && a.default !== b.default) parts.push(`default ${b.default}, was ${a.default}`);
  return parts.length ? parts.join('; ') : undefined;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Compares the schema after up-then-down with the schema before up. `afterUp` tells what up did, so each difference
 * says whose fault it is: "down does not drop column … added by up", "down does not recreate index … dropped by up".
 */
export function diffRoundTrip(before: Snapshot, afterUp: Snapshot, afterDown: Snapshot, reapply = false): RoundTripIssue[] {
  const out: RoundTripIssue[] = [];
  const presence = (kind: IssueKind, key: string, name: string, what: string, inB: boolean, inU: boolean, inD: boolean, table?: string) => {
    if (reapply) {
      if (inB && !inD) out.push({ kind, key, name, table, problem: 'not-restored', message: `after down and up again, ${what} is missing` });
      else if (!inB && inD) out.push({ kind, key, name, table, problem: 'created-extra', message: `after down and up again, ${what} exists but the first up did not leave it` });
      return;
    }
    if (inB && !inD) {
      if (!inU) out.push({ kind, key, name, table, problem: 'not-restored', message: `down does not recreate ${what} dropped by up` });
      else out.push({ kind, key, name, table, problem: 'dropped-extra', message: `down drops ${what}, which existed before up` });
    } else if (!inB && inD) {
      if (inU) out.push({ kind, key, name, table, problem: 'not-undone', message: `down does not drop ${what} added by up` });
      else out.push({ kind, key, name, table, problem: 'created-extra', message: `down creates ${what}, which did not exist before up` });
    }
  };

  for (const key of union(before.tables, afterDown.tables)) {
    presence('table', key, displayName(key), `table ${q(displayName(key))}`, before.tables.has(key), afterUp.tables.has(key), afterDown.tables.has(key));
  }
  const bothTables = [...before.tables.keys()].filter((k) => afterDown.tables.has(k));
  for (const tk of bothTables) {
    const b = before.tables.get(tk)!;
    const u = afterUp.tables.get(tk);
    const d = afterDown.tables.get(tk)!;
    for (const c of unionKeys(b.columns, d.columns)) {
      const name = `${displayName(tk)}.${c}`;
      const what = `column ${colLabel(tk, c)}`;
      const bc = b.columns.get(c);
      const dc = d.columns.get(c);
      presence('column', `${tk}.${c}`, name, what, !!bc, !!u?.columns.has(c), !!dc, tk);
      if (bc && dc) {
        const diff = columnDiff(bc, dc);
        if (!diff) continue;
        const uc = u?.columns.get(c);
        const upChanged = !uc || !!columnDiff(bc, uc);
        out.push({
          kind: 'column', key: `${tk}.${c}`, name, table: tk, problem: 'changed',
          message: reapply ? `after down and up again, ${what} is ${diff}` : upChanged ? `down does not restore ${what} changed by up: it is left ${diff}` : `down changes ${what}: it is left ${diff}`,
        });
      }
    }
  }
  const tableGone = (t: string) => !(before.tables.has(t) && afterDown.tables.has(t)) && (before.tables.has(t) || afterDown.tables.has(t));

  for (const key of union(before.constraints, afterDown.constraints)) {
    const b = before.constraints.get(key);
    const d = afterDown.constraints.get(key);
    const c = (b ?? d)!;
    if (tableGone(c.table)) continue;
    const what = `constraint "${c.name}" on ${q(displayName(c.table))}`;
    presence('constraint', key, c.name, what, !!b, afterUp.constraints.has(key), !!d, c.table);
    if (b && d && (b.kind !== d.kind || !same(b.columns, d.columns) || (b.def !== undefined && d.def !== undefined && b.def !== d.def))) {
      out.push({ kind: 'constraint', key, name: c.name, table: c.table, problem: 'changed', message: `down recreates ${what} as \`${d.def ?? `${d.kind} (${d.columns.join(', ')})`}\` but up dropped \`${b.def ?? `${b.kind} (${b.columns.join(', ')})`}\`` });
    }
  }

  for (const key of union(before.indexes, afterDown.indexes)) {
    const b = before.indexes.get(key);
    const d = afterDown.indexes.get(key);
    const i = (b ?? d)!;
    if (tableGone(i.table)) continue;
    const what = `index "${i.name}" on ${q(displayName(i.table))} (${i.columns.join(', ')})`;
    presence('index', key, i.name, what, !!b, afterUp.indexes.has(key), !!d, i.table);
    if (b && d && (!same(b.columns, d.columns) || b.unique !== d.unique || b.table !== d.table)) {
      const fmt = (x: IndexSnap) => `${x.unique ? 'a unique one' : 'one'} on (${x.columns.join(', ')})`;
      out.push({ kind: 'index', key, name: i.name, table: i.table, problem: 'changed', message: `down recreates index "${i.name}" on (${d.columns.join(', ')})${d.unique ? ' as unique' : ''} but up dropped ${fmt(b)}` });
    }
  }

  for (const key of union(before.enums, afterDown.enums)) {
    const b = before.enums.get(key);
    const d = afterDown.enums.get(key);
    const name = (b ?? d)!.name;
    presence('enum', key, name, `type "${name}"`, !!b, afterUp.enums.has(key), !!d);
    if (b && d && !same(b.values, d.values)) {
      const added = d.values.filter((v) => !b.values.includes(v));
      const lost = b.values.filter((v) => !d.values.includes(v));
      const parts: string[] = [];
      if (added.length) parts.push(`keeps value${added.length > 1 ? 's' : ''} ${added.map((v) => `'${v}'`).join(', ')} added by up (Postgres cannot drop an enum value; recreate the type)`);
      if (lost.length) parts.push(`loses value${lost.length > 1 ? 's' : ''} ${lost.map((v) => `'${v}'`).join(', ')}`);
      if (!added.length && !lost.length) parts.push(`orders its values (${d.values.join(', ')}), was (${b.values.join(', ')})`);
      out.push({ kind: 'enum', key, name, problem: 'changed', message: `after down, type "${name}" ${parts.join(' and ')}` });
    }
  }
  return out;
}

/** Differences between two states that should be equal (up, then up again after down). */
export function diffStates(expected: Snapshot, got: Snapshot): RoundTripIssue[] {
  return diffRoundTrip(expected, expected, got, true);
}

function union<K, V>(a: Map<K, V>, b: Map<K, V>): K[] {
  return [...new Set([...a.keys(), ...b.keys()])];
}

function unionKeys<K, V>(a: Map<K, V>, b: Map<K, V>): K[] {
  return union(a, b);
}

export { describeColumn };
