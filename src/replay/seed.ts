import type pg from 'pg';
import { quoteIdent, quoteLiteral, errorMessage, oneLine } from './util.js';

export interface SeedOptions {
  /** Rows per table unless overridden. */
  rows: number;
  /** `table` or `schema.table` → rows. */
  rowsFor?: Record<string, number>;
  /** Real row counts (`schema.table` → rows), e.g. from `--stats-from`; used before `rows`, after `rowsFor`. */
  stats?: Record<string, number>;
  /** Whether `SET session_replication_role = replica` may be used (needs superuser) to keep user triggers quiet. */
  superuser: boolean;
  /** Rows per INSERT; each chunk reports progress. */
  chunkRows?: number;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedProgress {
  table: string;
  done: number;
  total: number;
  phase: 'load' | 'indexes' | 'constraints' | 'analyze' | 'done';
}

export interface SeededTable {
  table: string;
  rows: number;
  loadMs: number;
  warning?: string;
}

export interface SeedResult {
  tables: SeededTable[];
  totalRows: number;
  /** INSERT … SELECT time only. */
  loadMs: number;
  /** Indexes, constraints, foreign keys re-added. */
  indexMs: number;
  /** VACUUM ANALYZE and the warm-up scans. */
  analyzeMs: number;
  totalMs: number;
  warnings: string[];
}

interface PgType {
  oid: number;
  typname: string;
  typtype: string;
  typcategory: string;
  typelem: number;
  typbasetype: number;
  typtypmod: number;
  fmt: string;
}

interface Column {
  attnum: number;
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: string;
  generated: string;
  typid: number;
  typmod: number;
  fmt: string;
}

interface Table {
  oid: number;
  schema: string;
  name: string;
  qualified: string;
  kind: string;
  columns: Column[];
  rows: number;
}

interface Fk {
  oid: number;
  name: string;
  rel: number;
  ref: number;
  cols: number[];
  refCols: number[];
  def: string;
}

const SYSTEM_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export function displayName(schema: string, name: string): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : quoteIdent(s));
  return schema === 'public' ? part(name) : `${part(schema)}.${part(name)}`;
}

function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

async function loadCatalog(client: pg.Client): Promise<{ tables: Table[]; types: Map<number, PgType>; enums: Map<number, string[]>; fks: Fk[] }> {
  const tables = (
    await client.query(`
      SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SYSTEM_SCHEMA}
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY n.nspname, c.relname`)
  ).rows.map((r) => ({ oid: Number(r.oid), schema: r.schema, name: r.name, qualified: qualified(r.schema, r.name), kind: r.kind, columns: [] as Column[], rows: 0 }));
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const cols = await client.query(
    `SELECT a.attrelid::int8 AS rel, a.attnum, a.attname, a.attnotnull, a.atthasdef, a.attidentity, a.attgenerated,
            a.atttypid::int8 AS typid, a.atttypmod, format_type(a.atttypid, a.atttypmod) AS fmt
     FROM pg_attribute a WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`,
    [tables.map((t) => t.oid)],
  );
  for (const r of cols.rows) {
    byOid.get(Number(r.rel))!.columns.push({
      attnum: r.attnum,
      name: r.attname,
      notNull: r.attnotnull,
      hasDefault: r.atthasdef,
      identity: r.attidentity,
      generated: r.attgenerated,
      typid: Number(r.typid),
      typmod: r.atttypmod,
      fmt: r.fmt,
    });
  }
  const types = new Map<number, PgType>();
  for (const r of (
    await client.query(
      `SELECT oid::int8 AS oid, typname, typtype, typcategory, typelem::int8 AS typelem, typbasetype::int8 AS typbasetype, typtypmod, format_type(oid, NULL) AS fmt FROM pg_type`,
    )
  ).rows) {
    types.set(Number(r.oid), { ...r, oid: Number(r.oid), typelem: Number(r.typelem), typbasetype: Number(r.typbasetype) });
  }
  const enums = new Map<number, string[]>();
  for (const r of (await client.query(`SELECT enumtypid::int8 AS t, array_agg(enumlabel::text ORDER BY enumsortorder) AS labels FROM pg_enum GROUP BY 1`)).rows) {
    enums.set(Number(r.t), r.labels);
  }
  const fks = (
    await client.query(
      `SELECT oid::int8 AS oid, conname, conrelid::int8 AS rel, confrelid::int8 AS ref, conkey, confkey, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY($1::oid[]) OR confrelid = ANY($1::oid[]))`,
      [tables.map((t) => t.oid)],
    )
  ).rows.map((r) => ({ oid: Number(r.oid), name: r.conname, rel: Number(r.rel), ref: Number(r.ref), cols: r.conkey, refCols: r.confkey, def: r.def }));
  return { tables, types, enums, fks };
}

/** Parents before children (FK graph); cycles and self-references are broken arbitrarily. */
function parentsFirst(tables: Table[], fks: Fk[]): Table[] {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const out: Table[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (t: Table) => {
    if (state.get(t.oid)) return;
    state.set(t.oid, 'visiting');
    for (const fk of fks) if (fk.rel === t.oid && fk.ref !== t.oid && byOid.has(fk.ref) && state.get(fk.ref) !== 'visiting') visit(byOid.get(fk.ref)!);
    state.set(t.oid, 'done');
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

function rowsFor(t: Table, opts: SeedOptions): number {
  const keys = [`${t.schema}.${t.name}`, t.name, displayName(t.schema, t.name)];
  for (const k of keys) if (opts.rowsFor && k in opts.rowsFor) return opts.rowsFor[k];
  for (const k of keys) if (opts.stats && k in opts.stats) return opts.stats[k];
  return opts.rows;
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'name', 'citext']);

/** A SQL expression of the row number `k` (bigint, 1…N) that fits the type; undefined when pgsafe has none. */
function valueExpr(typid: number, typmod: number, k: string, types: Map<number, PgType>, enums: Map<number, string[]>): string | undefined {
  const t = types.get(typid);
  // One md5 per row, shared by every column of the row (computed in a LATERAL next to generate_series).
  const md5 = k === 'g.k' ? 'h.h' : `md5((${k})::text)`;
  if (!t) return undefined;
  if (t.typtype === 'd') {
    const base = valueExpr(t.typbasetype, t.typtypmod >= 0 ? t.typtypmod : typmod, k, types, enums);
    return base && `(${base})::${t.fmt}`;
  }
  if (t.typtype === 'e') {
    const labels = enums.get(typid) ?? [];
    if (labels.length === 0) return undefined;
    return `(ARRAY[${labels.map(quoteLiteral).join(', ')}])[1 + (${k} % ${labels.length})::int]::${t.fmt}`;
  }
  if (t.typcategory === 'A' && t.typelem) {
    const elem = valueExpr(t.typelem, -1, k, types, enums);
    return elem && `ARRAY[${elem}]`;
  }
  const n = typmod >= 4 ? typmod - 4 : undefined;
  switch (t.typname) {
    case 'int2':
      return `(${k} % 32000)::int2`;
    case 'int4':
      return `${k}::int4`;
    case 'int8':
      return `${k}::int8`;
    case 'oid':
      return `${k}::oid`;
    case 'numeric': {
      if (n === undefined) return `(${k}::numeric / 4)`;
      const precision = (n >> 16) & 0xffff;
      const scale = n & 0xffff;
      const intDigits = Math.max(0, precision - scale);
      if (intDigits === 0) return `0::numeric`;
      return `(${k} % ${10n ** BigInt(Math.min(intDigits, 18))}::int8)::numeric`;
    }
    case 'float4':
    case 'float8':
      return `(${k} * 0.5)::float8`;
    case 'money':
      return `(${k} % 1000000)::numeric::money`;
    case 'bool':
      return `(${k} % 2 = 0)`;
    case 'text':
    case 'citext':
    case 'name':
      return `${md5}`;
    case 'varchar':
    case 'bpchar':
      return n !== undefined ? `left(${k}::text || ${md5}, ${n})` : `${md5}`;
    case 'uuid':
      return `${md5}::uuid`;
    case 'bytea':
      return `decode(${md5}, 'hex')`;
    case 'date':
      return `(date '2000-01-01' + (${k} % 2000000)::int)`;
    case 'timestamp':
      return `(timestamp '2020-01-01' + ${k} * interval '1 second')`;
    case 'timestamptz':
      return `(timestamptz '2020-01-01 00:00:00+00' + ${k} * interval '1 second')`;
    case 'time':
      return `(time '00:00' + (${k} % 86400) * interval '1 second')`;
    case 'timetz':
      return `(time '00:00' + (${k} % 86400) * interval '1 second')::timetz`;
    case 'interval':
      return `(${k} * interval '1 second')`;
    case 'json':
      return `json_build_object('k', ${k})`;
    case 'jsonb':
      return `jsonb_build_object('k', ${k})`;
    case 'inet':
      return `('10.0.0.0'::inet + ${k})`;
    case 'cidr':
      return `('10.0.0.0'::inet + ${k})::cidr`;
    case 'tsvector':
      return `${md5}::tsvector`;
    case 'point':
      return `point(${k}, ${k})`;
    case 'bit':
      return n !== undefined ? `(${k} % 2)::bit(1)::bit(${n})` : undefined;
    default:
      return TEXT_TYPES.has(t.typname) ? `${md5}` : undefined;
  }
}

interface Plan {
  table: Table;
  sql: (from: number, to: number) => string;
  skipped: string[];
}

function planTable(t: Table, tables: Map<number, Table>, fks: Fk[], types: Map<number, PgType>, enums: Map<number, string[]>): Plan | { error: string } {
  const names: string[] = [];
  const exprs: string[] = [];
  const skipped: string[] = [];
  const k = 'g.k';
  const exprFor = (table: Table, col: Column, kExpr: string, depth: number): string | undefined => {
    const fk = fks.find((f) => f.rel === table.oid && f.cols.includes(col.attnum));
    if (fk && depth < 8) {
      const parent = tables.get(fk.ref);
      const parentCol = parent?.columns.find((c) => c.attnum === fk.refCols[fk.cols.indexOf(col.attnum)]);
      if (!parent || !parentCol || parent.rows === 0) return undefined;
      // Self-reference: a tree (row k points at row k/2); otherwise spread the children over the parent rows.
      const pk = fk.ref === table.oid ? `greatest(1, (${kExpr}) / 2)` : `(1 + ((${kExpr}) - 1) % ${parent.rows})`;
      return exprFor(parent, parentCol, pk, depth + 1);
    }
    const e = valueExpr(col.typid, col.typmod, kExpr, types, enums);
    return e && `(${e})::${col.fmt}`;
  };
  let identityAlways = false;
  for (const col of t.columns) {
    if (col.generated) continue;
    const e = exprFor(t, col, k, 0);
    if (e === undefined) {
      if (col.notNull && !col.hasDefault && !col.identity) return { error: `no value generator for column ${quoteIdent(col.name)} (${col.fmt}, NOT NULL, no default)` };
      skipped.push(col.name);
      continue;
    }
    if (col.identity === 'a') identityAlways = true;
    names.push(quoteIdent(col.name));
    exprs.push(e);
  }
  const usesHash = exprs.some((e) => e.includes('h.h'));
  const head = names.length
    ? `INSERT INTO ${t.qualified} (${names.join(', ')})${identityAlways ? ' OVERRIDING SYSTEM VALUE' : ''} SELECT ${exprs.join(', ')}`
    : `INSERT INTO ${t.qualified} SELECT`;
  return { table: t, skipped, sql: (from, to) => `${head} FROM generate_series(${from}::int8, ${to}::int8) AS g(k)${usesHash ? ', LATERAL (SELECT md5(g.k::text) AS h OFFSET 0) AS h' : ''}` };
}

/**
 * Fills every user table from the catalog: one `INSERT … SELECT … FROM generate_series` per table (chunked for
 * progress) with values that fit each type, enum and foreign key. Indexes, primary/unique/exclusion constraints and
 * foreign keys are dropped before the load and re-added after it (≈650k rows/s against 380k with the PK in place).
 * Tables stay logged: the replay must write WAL like production.
 */
export async function seedDatabase(client: pg.Client, opts: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now();
  const warnings: string[] = [];
  const { tables: all, types, enums, fks } = await loadCatalog(client);
  const ordered = parentsFirst(all, fks);
  for (const t of ordered) t.rows = Math.max(0, Math.floor(rowsFor(t, opts)));
  const byOid = new Map(ordered.map((t) => [t.oid, t]));
  const plans: Plan[] = [];
  for (const t of ordered) {
    if (t.rows === 0) continue;
    const plan = planTable(t, byOid, fks, types, enums);
    if ('error' in plan) {
      warnings.push(`${displayName(t.schema, t.name)} not seeded: ${plan.error}`);
      t.rows = 0;
      continue;
    }
    plans.push(plan);
  }
  const seeded = new Set(plans.map((p) => p.table.oid));
  const plainTables = plans.filter((p) => p.table.kind === 'r').map((p) => p.table.oid);

  // What to drop and re-add around the load (plain tables only; partitioned ones keep their indexes).
  const dropFks = fks.filter((f) => plainTables.includes(f.rel) || plainTables.includes(f.ref));
  const cons = (
    await client.query(
      `SELECT c.conname, c.conrelid::int8 AS rel, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       WHERE c.contype IN ('p', 'u', 'x') AND c.conrelid = ANY($1::oid[])`,
      [plainTables],
    )
  ).rows;
  const idx = (
    await client.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
       WHERE i.indrelid = ANY($1::oid[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))`,
      [plainTables],
    )
  ).rows;
  const tableOf = (oid: number) => byOid.get(oid)?.qualified ?? `${oid}::regclass`;
  const restore: { sql: string; what: string }[] = [];
  const fkRestore: { sql: string; what: string; fk: Fk }[] = [];
  for (const f of dropFks) {
    const rel = byOid.get(f.rel);
    const relName = rel ? rel.qualified : (await client.query(`SELECT $1::oid::regclass::text AS n`, [f.rel])).rows[0].n;
    await client.query(`ALTER TABLE ${relName} DROP CONSTRAINT ${quoteIdent(f.name)}`);
    fkRestore.push({ sql: `ALTER TABLE ${relName} ADD CONSTRAINT ${quoteIdent(f.name)} ${f.def}`, what: `foreign key ${f.name}`, fk: f });
  }
  for (const c of cons) {
    await client.query(`ALTER TABLE ${tableOf(Number(c.rel))} DROP CONSTRAINT ${quoteIdent(c.conname)}`);
    restore.push({ sql: `ALTER TABLE ${tableOf(Number(c.rel))} ADD CONSTRAINT ${quoteIdent(c.conname)} ${c.def}`, what: `constraint ${c.conname}` });
  }
  for (const i of idx) {
    await client.query(`DROP INDEX ${i.name}`);
    restore.push({ sql: i.def, what: `index ${i.name}` });
  }

  const chunk = Math.max(10_000, opts.chunkRows ?? 1_000_000);
  const results: SeededTable[] = [];
  let loadMs = 0;
  if (opts.superuser) await client.query(`SET session_replication_role = replica`);
  for (const plan of plans) {
    const t = plan.table;
    const name = displayName(t.schema, t.name);
    const tt = performance.now();
    let loaded = 0;
    let warning: string | undefined;
    try {
      for (let from = 1; from <= t.rows; from += chunk) {
        const to = Math.min(t.rows, from + chunk - 1);
        opts.onProgress?.({ table: name, done: loaded, total: t.rows, phase: 'load' });
        await client.query(plan.sql(from, to));
        loaded = to;
      }
    } catch (err) {
      warning = await retryWithoutChecks(client, plan, err, opts.superuser);
      loaded = warning?.startsWith('loaded') ? t.rows : 0;
      if (loaded === 0) t.rows = 0;
    }
    const ms = performance.now() - tt;
    loadMs += ms;
    if (plan.skipped.length) warning = [warning, `left to default/NULL: ${plan.skipped.join(', ')}`].filter(Boolean).join('; ');
    if (warning) warnings.push(`${name}: ${warning}`);
    results.push({ table: name, rows: loaded, loadMs: ms, warning });
    opts.onProgress?.({ table: name, done: loaded, total: t.rows, phase: 'done' });
  }
  if (opts.superuser) await client.query(`RESET session_replication_role`);

  const ti = performance.now();
  opts.onProgress?.({ table: '', done: 0, total: restore.length, phase: 'indexes' });
  for (const r of restore) {
    try {
      await client.query(r.sql);
    } catch (err) {
      warnings.push(`could not re-add ${r.what}: ${oneLine(errorMessage(err))}`);
    }
  }
  opts.onProgress?.({ table: '', done: 0, total: fkRestore.length, phase: 'constraints' });
  for (const r of fkRestore) {
    try {
      await client.query(r.sql);
    } catch (err) {
      // Data that does not fit (e.g. a parent left empty): keep the constraint, unvalidated.
      try {
        await client.query(r.sql.replace(/\s+NOT VALID$/, '') + ' NOT VALID');
        warnings.push(`${r.what} re-added NOT VALID: ${oneLine(errorMessage(err))}`);
      } catch (err2) {
        warnings.push(`could not re-add ${r.what}: ${oneLine(errorMessage(err2))}`);
      }
    }
  }
  await setSequences(client, plans.filter((p) => p.table.rows > 0).map((p) => p.table));
  const indexMs = performance.now() - ti;

  const ta = performance.now();
  opts.onProgress?.({ table: '', done: 0, total: 0, phase: 'analyze' });
  // VACUUM sets hint bits and the visibility map, and ANALYZE gives the planner real statistics; then one full scan
  // per table warms the caches (the first heavy statement after a load ran 1.6–1.9× slower than repeats).
  const touched = plans.filter((p) => p.table.rows > 0).map((p) => p.table.qualified);
  if (touched.length) {
    await client.query(`VACUUM (ANALYZE) ${touched.join(', ')}`);
    for (const q of touched) await client.query(`SELECT count(*) FROM ${q}`);
  }
  const analyzeMs = performance.now() - ta;
  for (const t of ordered) if (!seeded.has(t.oid)) results.push({ table: displayName(t.schema, t.name), rows: 0, loadMs: 0 });
  return {
    tables: results,
    totalRows: results.reduce((s, r) => s + r.rows, 0),
    loadMs,
    indexMs,
    analyzeMs,
    totalMs: performance.now() - t0,
    warnings,
  };
}

/** A CHECK (or domain) the generated values break: load without the table's CHECKs, re-add them NOT VALID. */
async function retryWithoutChecks(client: pg.Client, plan: Plan, err: unknown, superuser: boolean): Promise<string> {
  const code = (err as { code?: string }).code;
  const first = oneLine(errorMessage(err));
  await client.query(`TRUNCATE ${plan.table.qualified}`).catch(() => {});
  if (code !== '23514') return `not seeded: ${first}`;
  const checks = (
    await client.query(`SELECT conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE conrelid = $1 AND contype = 'c'`, [plan.table.oid])
  ).rows;
  if (checks.length === 0) return `not seeded: ${first}`;
  for (const c of checks) await client.query(`ALTER TABLE ${plan.table.qualified} DROP CONSTRAINT ${quoteIdent(c.conname)}`);
  try {
    await client.query(plan.sql(1, plan.table.rows));
  } catch (err2) {
    await client.query(`TRUNCATE ${plan.table.qualified}`).catch(() => {});
    for (const c of checks) await client.query(`ALTER TABLE ${plan.table.qualified} ADD CONSTRAINT ${quoteIdent(c.conname)} ${c.def}`).catch(() => {});
    return `not seeded: ${oneLine(errorMessage(err2))}`;
  }
  const unvalidated: string[] = [];
  for (const c of checks) {
    const def = String(c.def).replace(/\s+NOT VALID$/, '');
    await client.query(`ALTER TABLE ${plan.table.qualified} ADD CONSTRAINT ${quoteIdent(c.conname)} ${def} NOT VALID`);
    if (!c.convalidated) continue;
    try {
      await client.query(`ALTER TABLE ${plan.table.qualified} VALIDATE CONSTRAINT ${quoteIdent(c.conname)}`);
    } catch {
      // Keep the catalog as the schema declares it (validated), so replay sees what production would.
      if (superuser) await client.query(`UPDATE pg_constraint SET convalidated = true WHERE conrelid = $1 AND conname = $2`, [plan.table.oid, c.conname]);
      unvalidated.push(c.conname);
    }
  }
  return `loaded with generated values that violate CHECK ${unvalidated.join(', ') || checks.map((c) => c.conname).join(', ')}`;
}

async function setSequences(client: pg.Client, tables: Table[]): Promise<void> {
  for (const t of tables) {
    for (const c of t.columns) {
      if (!c.hasDefault && !c.identity) continue;
      const seq = (await client.query(`SELECT pg_get_serial_sequence($1, $2) AS s`, [t.qualified, c.name])).rows[0]?.s;
      if (!seq) continue;
      await client.query(`SELECT setval($1, GREATEST((SELECT max(${quoteIdent(c.name)})::int8 FROM ${t.qualified}), 1))`, [seq]).catch(() => {});
    }
  }
}

/** Row counts (`pg_class.reltuples`) of every user table of a real database, for `--stats-from`. */
export async function readStats(client: pg.Client): Promise<Record<string, number>> {
  const rows = (
    await client.query(`
      SELECT n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS tuples
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND ${SYSTEM_SCHEMA}`)
  ).rows;
  const out: Record<string, number> = {};
  for (const r of rows) if (r.tuples >= 0) out[`${r.schema}.${r.name}`] = Math.round(r.tuples);
  return out;
}
