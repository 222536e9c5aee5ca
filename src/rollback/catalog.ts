// A snapshot of a live database's catalog in the shape of `Snapshot` (snapshot.ts): tables, columns with types,
// nullability and defaults, constraints, indexes (those not backing a constraint) and enums, outside the system
// schemas.
import type pg from 'pg';
import { emptySnapshot, displayName, type Snapshot } from './snapshot.js';

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

const COLUMNS = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, a.attnum,
       CASE WHEN t.typcategory = 'A' THEN et.typname ELSE t.typname END AS typname,
       t.typcategory = 'A' AS is_array,
       format_type(a.atttypid, a.atttypmod) AS formatted,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity <> '' AS identity
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type et ON et.oid = t.typelem
LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS}
ORDER BY 1, 2, a.attnum`;

const CONSTRAINTS = `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype AS kind,
       pg_get_constraintdef(con.oid) AS def,
       coalesce((SELECT array_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), '{}') AS columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('c', 'f', 'u', 'p', 'x') AND ${USER_SCHEMAS}
ORDER BY 1, 2, 3`;

const INDEXES = `
SELECT n.nspname AS schema, ic.relname AS name, tn.nspname AS table_schema, tc.relname AS table, i.indisunique AS unique,
       (SELECT array_agg(CASE WHEN k.attnum = 0 THEN '(expr)' ELSE a.attname END ORDER BY k.ord)
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class tc ON tc.oid = i.indrelid
JOIN pg_namespace tn ON tn.oid = tc.relnamespace
WHERE ${USER_SCHEMAS} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY 1, 2`;

const ENUMS = `
SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS values
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_enum e ON e.enumtypid = t.oid
WHERE ${USER_SCHEMAS}
GROUP BY 1, 2
ORDER BY 1, 2`;

const KINDS: Record<string, string> = { c: 'check', f: 'foreign', u: 'unique', p: 'primary', x: 'exclusion' };

/** `character varying(20)` → `(20)`; `timestamp(3) with time zone` → `(3)`. */
function modsOf(formatted: string): string {
  const m = /\(([^)]*)\)/.exec(formatted);
  return m ? `(${m[1].replace(/\s+/g, '')})` : '';
}

/** Node-postgres returns `name[]` columns as strings like `{a,b}` on some versions: normalise to arrays. */
function arr(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((x) => x.replace(/^"|"$/g, ''));
  return [];
}

export async function catalogSnapshot(client: pg.Client): Promise<Snapshot> {
  const s = emptySnapshot();
  const cols = await client.query(COLUMNS);
  for (const r of cols.rows) {
    const key = `${r.schema}.${r.table}`;
    let t = s.tables.get(key);
    if (!t) {
      t = { key, name: displayName(key), columns: new Map() };
      s.tables.set(key, t);
    }
    if (r.column === null) continue;
    t.columns.set(r.column, {
      type: `${r.typname}${modsOf(String(r.formatted))}${r.is_array ? '[]' : ''}`,
      notNull: !!r.not_null,
      hasDefault: r.default_expr !== null,
      default: r.default_expr ?? undefined,
    });
  }
  for (const r of (await client.query(CONSTRAINTS)).rows) {
    const table = `${r.schema}.${r.table}`;
    s.constraints.set(`${table}.${r.name}`, { table, name: r.name, kind: KINDS[r.kind] ?? r.kind, columns: arr(r.columns), def: r.def });
  }
  for (const r of (await client.query(INDEXES)).rows) {
    s.indexes.set(`${r.schema}.${r.name}`, { table: `${r.table_schema}.${r.table}`, name: r.name, columns: arr(r.columns), unique: !!r.unique });
  }
  for (const r of (await client.query(ENUMS)).rows) s.enums.set(`${r.schema}.${r.name}`, { name: displayName(`${r.schema}.${r.name}`), values: arr(r.values) });
  return s;
}
