import pg from 'pg';
import { quoteIdent } from '../analysis/names.js';
import { sleep } from './util.js';

/** How a probe reaches one table: a reader (`SELECT … LIMIT 1`) and a writer (a single-row no-op UPDATE by primary key). */
export interface ProbeTarget {
  oid: number;
  name: string;
  /** Quoted, schema-qualified. */
  qualified: string;
  readSql: string;
  writeSql?: string;
}

interface Attempt {
  start: number;
  end: number;
  blocked: boolean;
}

interface Series {
  target: ProbeTarget;
  attempts: Attempt[];
  dead: boolean;
}

export interface BlockedWindow {
  readsMs: number;
  writesMs: number;
  /** Tables on which the longest read / write stretch was seen. */
  readsOn?: string;
  writesOn?: string;
}

/** Prepares probe SQL for every user table: the primary key (or ctid) of one existing row. */
export async function loadProbeTargets(client: pg.Client): Promise<Map<number, ProbeTarget>> {
  const rows = (
    await client.query(`
      SELECT c.oid::int8 AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q,
             CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
             (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
              WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) AS pk,
             (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity <> 'a'
              ORDER BY a.attnum LIMIT 1) AS col
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.oid >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`)
  ).rows;
  const out = new Map<number, ProbeTarget>();
  for (const r of rows) {
    const oid = Number(r.oid);
    // A TID lookup: takes the same AccessShareLock as any reader but adds no seq_scan, so scan counters stay the migration's own.
    const t: ProbeTarget = { oid, name: r.name, qualified: r.q, readSql: `SELECT 1 FROM ${r.q} WHERE ctid = '(0,1)'::tid` };
    if (r.pk) {
      // ORDER BY the key: an index scan, so this adds no seq_scan that could be blamed on a statement later.
      const key = (await client.query(`SELECT ${quoteIdent(r.pk)}::text AS v FROM ${r.q} ORDER BY ${quoteIdent(r.pk)} LIMIT 1`)).rows[0]?.v;
      const pk = quoteIdent(r.pk);
      // Compare in the key's own type so the UPDATE uses the primary key index.
      t.writeSql = key !== undefined
        ? `UPDATE ${r.q} SET ${pk} = ${pk} WHERE ${pk} = ${pgLiteral(key)}::${await typeOf(client, oid, r.pk)}`
        : `UPDATE ${r.q} SET ${pk} = ${pk} WHERE false`;
    } else if (r.col) {
      const col = quoteIdent(r.col);
      t.writeSql = `UPDATE ${r.q} SET ${col} = ${col} WHERE ctid = '(0,1)'::tid`;
    }
    out.set(oid, t);
  }
  // Flush this session's scan counters now (PG 15+), not in the middle of a traced statement.
  await client.query('SELECT pg_stat_force_next_flush()').catch(() => {});
  return out;
}

async function typeOf(client: pg.Client, oid: number, col: string): Promise<string> {
  return (await client.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = $1 AND attname = $2`, [oid, col])).rows[0].t;
}

function pgLiteral(v: string): string {
  return "'" + v.replace(/'/g, "''") + "'";
}

/**
 * Two sessions, a reader and a writer, that hit each target every `intervalMs` with a short `lock_timeout`. A query
 * that fails with lock_not_available was blocked; consecutive blocked attempts form a stretch.
 */
export class BlockingProbe {
  private reader: pg.Client;
  private writer: pg.Client;
  private reads = new Map<number, Series>();
  private writes = new Map<number, Series>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private config: pg.ClientConfig,
    private intervalMs = 10,
    private lockTimeoutMs = 20,
  ) {
    this.reader = new pg.Client({ ...config, application_name: 'pgsafe-probe-reader' });
    this.writer = new pg.Client({ ...config, application_name: 'pgsafe-probe-writer' });
  }

  async connect(): Promise<void> {
    for (const c of [this.reader, this.writer]) {
      c.on('error', () => {});
      await c.connect();
      await c.query(`SET lock_timeout = '${this.lockTimeoutMs}ms'; SET statement_timeout = '5s'`);
    }
  }

  /** Start probing a table (idempotent). */
  add(target: ProbeTarget): void {
    if (!this.reads.has(target.oid)) this.reads.set(target.oid, { target, attempts: [], dead: false });
    if (target.writeSql && !this.writes.has(target.oid)) this.writes.set(target.oid, { target, attempts: [], dead: false });
  }

  has(oid: number): boolean {
    return this.reads.has(oid);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = [this.loop(this.reader, this.reads, (t) => t.readSql), this.loop(this.writer, this.writes, (t) => t.writeSql!)];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(client: pg.Client, series: Map<number, Series>, sql: (t: ProbeTarget) => string): Promise<void> {
    while (this.running) {
      const tick = performance.now();
      for (const s of series.values()) {
        if (s.dead || !this.running) continue;
        const start = performance.now();
        let blocked = false;
        try {
          await client.query(sql(s.target));
        } catch (err) {
          const code = (err as { code?: string }).code;
          // 55P03 lock_not_available: waited lock_timeout for a lock. Anything else (table dropped, column renamed…): stop probing it.
          if (code === '55P03') blocked = true;
          else if (code === '57014') blocked = true;
          else s.dead = true;
        }
        s.attempts.push({ start, end: performance.now(), blocked });
      }
      const wait = this.intervalMs - (performance.now() - tick);
      await sleep(Math.max(1, wait));
    }
  }

  /** The longest blocked stretch of reads and of writes among attempts that started in [from, to]. */
  window(from: number, to: number): BlockedWindow {
    const longest = (series: Map<number, Series>) => {
      let best = 0;
      let on: string | undefined;
      for (const s of series.values()) {
        let runStart: number | undefined;
        let runEnd = 0;
        const flush = () => {
          if (runStart !== undefined && runEnd - runStart > best) {
            best = runEnd - runStart;
            on = s.target.name;
          }
          runStart = undefined;
        };
        for (const a of s.attempts) {
          if (a.end < from || a.start > to) continue;
          if (a.blocked) {
            runStart ??= a.start;
            runEnd = a.end;
          } else flush();
        }
        flush();
      }
      return { ms: Math.round(best), on };
    };
    const r = longest(this.reads);
    const w = longest(this.writes);
    return { readsMs: r.ms, writesMs: w.ms, readsOn: r.on, writesOn: w.on };
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all([this.reader.end().catch(() => {}), this.writer.end().catch(() => {})]);
  }
}
