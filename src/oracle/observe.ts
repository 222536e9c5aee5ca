// What the server does when it runs one statement: the backend's own locks before COMMIT, relations rewritten
// (a new relfilenode holding data) and read (seq_scan or idx_scan grew in pg_stat_xact_user_tables).
import type pg from 'pg';
import { LOCK_MODES, type LockMode } from '../analysis/locks.js';

export interface RelInfo {
  oid: number;
  /** `schema.name`, as pgsafe keys relations. */
  name: string;
  /** pg_class.relkind: r table, p partitioned, i/I index, S sequence, v view, m matview, f foreign, c type. */
  kind: string;
  filenode: number;
  /** Bytes in the main fork: 0 for an empty table. */
  size: number;
  /** For an index: the table it indexes. */
  tableOid?: number;
}

export type Catalog = Map<number, RelInfo>;

export interface ObservedLock {
  relation: string;
  mode: LockMode;
  kind: string;
  /** For an index: its table's name. */
  table?: string;
}

export interface Observed {
  /** `transaction`: read before COMMIT in the statement's own implicit transaction. `alone`: the statement refuses
   * to run in a transaction block (CONCURRENTLY, VACUUM…), so only rewrites were seen, not locks or scans. */
  how: 'transaction' | 'alone';
  locks: ObservedLock[];
  rewrites: string[];
  scans: string[];
  /** The catalog as it was before the statement. */
  before: Catalog;
}

export interface ObserveFailure {
  error: string;
  code?: string;
}

const USER_RELATIONS = `
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.relfilenode::int8 AS filenode,
         CASE WHEN c.relkind IN ('r', 'm', 'i', 't') THEN pg_relation_size(c.oid) ELSE 0 END AS size, i.indrelid::int8 AS table_oid
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    AND c.relkind <> 't'`;

export async function readCatalog(client: pg.Client): Promise<Catalog> {
  const rows = (await client.query(USER_RELATIONS)).rows;
  const out: Catalog = new Map();
  for (const r of rows) {
    out.set(Number(r.oid), { oid: Number(r.oid), name: `${r.schema}.${r.name}`, kind: r.kind, filenode: Number(r.filenode), size: Number(r.size), ...(r.table_oid ? { tableOid: Number(r.table_oid) } : {}) });
  }
  return out;
}

// Sequential and index scans both: validating a foreign key reads the referenced table by a seq scan at scale but
// may probe its index on a few rows, and either way the statement reads it.
const SCANS = `SELECT coalesce(json_object_agg(relid::int8, seq_scan + coalesce(idx_scan, 0)), '{}') AS s FROM pg_stat_xact_user_tables`;

function afterQuery(oids: number[]): string {
  const list = `'{${oids.join(',')}}'::oid[]`;
  return `SELECT (${SCANS}) AS s,
    (SELECT coalesce(json_agg(json_build_object('oid', relation::int8, 'mode', mode)), '[]') FROM pg_locks
      WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted AND relation IS NOT NULL) AS l,
    (SELECT coalesce(json_object_agg(oid::int8, json_build_array(relfilenode::int8,
        CASE WHEN relkind IN ('r', 'm') THEN pg_relation_size(oid) ELSE 0 END)), '{}') FROM pg_class WHERE oid = ANY(${list})) AS f`;
}

const rank = (m: string) => LOCK_MODES.indexOf(m as LockMode);

function rewritten(before: Catalog, after: Record<string, [number, number]>): string[] {
  const out: string[] = [];
  for (const [oid, [filenode, size]] of Object.entries(after)) {
    const b = before.get(Number(oid));
    if (!b || (b.kind !== 'r' && b.kind !== 'm')) continue;
    // TRUNCATE also gives a new relfilenode, but an empty one: only a new file holding data is a rewrite.
    if (filenode !== b.filenode && size > 0) out.push(b.name);
  }
  return out.sort();
}

/**
 * Runs `sql` and reports what the server did. The counters are read, the statement run and the counters and locks
 * read again in ONE simple-query message: it runs as one implicit transaction, so the locks are still held and the
 * stats delta is this statement's own (PG 15 may not yet have flushed earlier transactions' counters).
 */
export async function observe(client: pg.Client, sql: string, opts: { rollback?: boolean } = {}): Promise<Observed | ObserveFailure> {
  const before = await readCatalog(client);
  const oids = [...before.keys()];
  const body = `${sql}\n;`;
  let results: pg.QueryResult[];
  try {
    // With `rollback`, an explicit block that is rolled back: the database is left as it was, for the next example.
    const message = `${SCANS};\n${body}\n${afterQuery(oids)}`;
    const r = await client.query(opts.rollback ? `BEGIN;\n${message};\nROLLBACK` : message);
    results = r as unknown as pg.QueryResult[];
    if (opts.rollback) results = results.slice(1, -1);
  } catch (err) {
    // The message stops at the error; inside the explicit block that leaves an aborted transaction.
    if (opts.rollback) await client.query('ROLLBACK').catch(() => {});
    const e = err as { code?: string; message: string };
    // 25001: cannot run inside a transaction block. Run it on its own and compare the catalogs.
    if (e.code !== '25001') return { error: e.message, code: e.code };
    try {
      await client.query(sql);
    } catch (err2) {
      const e2 = err2 as { code?: string; message: string };
      return { error: e2.message, code: e2.code };
    }
    const after = await readCatalog(client);
    const files: Record<string, [number, number]> = {};
    for (const [oid, r] of after) files[oid] = [r.filenode, r.size];
    return { how: 'alone', locks: [], rewrites: rewritten(before, files), scans: [], before };
  }
  const first = results[0].rows[0].s as Record<string, number>;
  const last = results[results.length - 1].rows[0];
  const scanned = last.s as Record<string, number>;
  const scans: string[] = [];
  for (const [oid, n] of Object.entries(scanned)) {
    const b = before.get(Number(oid));
    if (b && n > (first[oid] ?? 0)) scans.push(b.name);
  }
  const strongest = new Map<string, ObservedLock>();
  for (const l of last.l as { oid: number; mode: string }[]) {
    const b = before.get(Number(l.oid));
    // Not in the snapshot: a catalog, a toast table, or an object this statement created.
    if (!b || rank(l.mode) < 0) continue;
    const prev = strongest.get(b.name);
    if (prev && rank(prev.mode) >= rank(l.mode)) continue;
    const table = b.tableOid !== undefined ? before.get(b.tableOid)?.name : undefined;
    strongest.set(b.name, { relation: b.name, mode: l.mode as LockMode, kind: b.kind, ...(table ? { table } : {}) });
  }
  return { how: 'transaction', locks: [...strongest.values()].sort((a, b) => a.relation.localeCompare(b.relation)), rewrites: rewritten(before, last.f), scans: scans.sort(), before };
}
