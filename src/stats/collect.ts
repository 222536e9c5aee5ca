// Takes a snapshot. Sizes come from pg_class.relpages (as of the last VACUUM/ANALYZE, like
// reltuples), not pg_relation_size(), which would take ACCESS SHARE on every user table: this
// reads catalogs and statistics views only, so a migration never waits for it.
import type pg from 'pg';
import { SNAPSHOT_VERSION, type StatsSnapshot, type TableStats } from './snapshot.js';

const SYSTEM = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'`;

const TABLES = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS tuples,
       c.relpages::int8 * current_setting('block_size')::int8 AS heap,
       COALESCE(t.relpages, 0)::int8 * current_setting('block_size')::int8 AS toast
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
WHERE c.relkind IN ('r', 'p', 'm') AND ${SYSTEM}
ORDER BY 2, 3`;

const INDEXES = `
SELECT i.indrelid::int8 AS table_oid, ic.relname AS name, ic.relpages::int8 * current_setting('block_size')::int8 AS bytes,
       ARRAY(SELECT a.attname::text FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0 ORDER BY k.ord) AS columns
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE ${SYSTEM}
ORDER BY 1, 2`;

const COUNTERS = `
SELECT relid::int8 AS oid, COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) AS reads, n_tup_ins + n_tup_upd + n_tup_del AS writes,
       extract(epoch FROM clock_timestamp())::float8 AS at
FROM pg_stat_user_tables`;

interface Counter { reads: number; writes: number; at: number }

async function counters(client: pg.Client): Promise<Map<number, Counter>> {
  // Each query is its own transaction, so the statistics snapshot is fresh.
  const rows = (await client.query(COUNTERS)).rows;
  return new Map(rows.map((r) => [Number(r.oid), { reads: Number(r.reads), writes: Number(r.writes), at: r.at }]));
}

export interface CollectOptions {
  sampleMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function collectSnapshot(client: pg.Client, o: CollectOptions): Promise<StatsSnapshot> {
  const server = (await client.query(`SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS num, current_setting('max_connections')::int AS mc, (SELECT setting::int8 * current_setting('block_size')::int8 FROM pg_settings WHERE name = 'shared_buffers') AS sb`)).rows[0];
  const before = o.sampleMs > 0 ? await counters(client) : undefined;
  if (before) await (o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(o.sampleMs);
  const after = before ? await counters(client) : undefined;
  const tables = (await client.query(TABLES)).rows;
  const indexes = (await client.query(INDEXES)).rows;
  const byTable = new Map<number, TableStats['indexes']>();
  for (const i of indexes) {
    const list = byTable.get(Number(i.table_oid)) ?? [];
    list.push({ name: i.name, bytes: Number(i.bytes), columns: (i.columns as (string | null)[]).map((c) => c ?? null) });
    byTable.set(Number(i.table_oid), list);
  }
  const out: TableStats[] = tables.map((t) => {
    const idx = byTable.get(Number(t.oid)) ?? [];
    const s: TableStats = {
      schema: t.schema,
      name: t.name,
      rows: t.tuples >= 0 ? Math.round(t.tuples) : null,
      heapBytes: Number(t.heap),
      indexBytes: idx.reduce((a, i) => a + i.bytes, 0),
      toastBytes: Number(t.toast),
      indexes: idx,
    };
    const a = before?.get(Number(t.oid));
    const b = after?.get(Number(t.oid));
    if (a && b && b.at > a.at) {
      const secs = b.at - a.at;
      s.traffic = { readsPerSec: round2(Math.max(0, b.reads - a.reads) / secs), writesPerSec: round2(Math.max(0, b.writes - a.writes) / secs) };
    }
    return s;
  });
  return {
    pgsafeStats: SNAPSHOT_VERSION,
    takenAt: new Date().toISOString(),
    server: { version: String(server.v).split(' ')[0], major: Math.floor(server.num / 10000), maxConnections: server.mc, sharedBuffersBytes: Number(server.sb) },
    sampleSeconds: before ? o.sampleMs / 1000 : 0,
    tables: out,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
