import pg from 'pg';
import { quoteIdent } from '../analysis/names.js';
import { displayName, sleep } from './util.js';

/**
 * How a probe reaches one table: a reader (one row by TID) and a writer that takes a writer's table lock and row locks
 * on a few rows spread across the table by primary key: a backfill that has locked any of them blocks it, wherever it
 * is in the table. It never UPDATEs: a new row version would move the probed rows to the end of the heap, where a
 * full-table UPDATE reaches them last.
 */
export interface ProbeTarget {
  oid: number;
  /** As reports name relations: `"Worker"`, `audit.log`. */
  name: string;
  /** As SQL text names it unquoted: `Worker`, `audit.log` (to match the statements' relation names). */
  rel: string;
  /** Quoted, schema-qualified. */
  qualified: string;
  readSql: string;
  writeSql?: string;
  /** The primary key column (quoted) and its type, to probe other rows (those a statement's WHERE selects). */
  pk?: { column: string; type: string };
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
  /** When those stretches began (performance.now()), for the timeline. */
  readsFrom?: number;
  writesFrom?: number;
}

/** Prepares probe SQL for every user table: the primary key (or ctid) of one existing row. */
export async function loadProbeTargets(client: pg.Client): Promise<Map<number, ProbeTarget>> {
  const rows = (
    await client.query(`
      SELECT c.oid::int8 AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS q,
             n.nspname AS schema, c.relname AS rel,
             CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS name,
             (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
              WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.oid >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`)
  ).rows;
  const out = new Map<number, ProbeTarget>();
  for (const r of rows) {
    const oid = Number(r.oid);
    // A TID lookup: takes the same AccessShareLock as any reader but adds no seq_scan, so scan counters stay the migration's own.
    const t: ProbeTarget = { oid, name: displayName(r.schema, r.rel), rel: r.name, qualified: r.q, readSql: `SELECT 1 FROM ${r.q} WHERE ctid = '(0,1)'::tid` };
    if (r.pk) {
      // ORDER BY the key: an index scan, so this adds no seq_scan that could be blamed on a statement later.
      const pk = quoteIdent(r.pk);
      const type = await typeOf(client, oid, r.pk);
      t.pk = { column: pk, type };
      const keys = await spreadKeys(client, r.q, pk);
      t.writeSql = keyUpdate(t, keys);
    } else {
      t.writeSql = writeLock(r.q, `ctid = '(0,1)'::tid`);
    }
    out.set(oid, t);
  }
  // Flush this session's scan counters now (PG 15+), not in the middle of a traced statement.
  await client.query('SELECT pg_stat_force_next_flush()').catch(() => {});
  return out;
}

/** The first and last key and two between them (by the planner's row estimate): an index scan each, no seq scan. */
async function spreadKeys(client: pg.Client, table: string, pk: string): Promise<string[]> {
  const n = Number((await client.query(`SELECT GREATEST(reltuples, 0)::int8 AS n FROM pg_class WHERE oid = $1::regclass`, [table])).rows[0]?.n ?? 0);
  const keys = new Set<string>();
  for (const offset of [0, Math.floor(n / 3), Math.floor((2 * n) / 3)]) {
    const v = (await client.query(`SELECT ${pk}::text AS v FROM ${table} ORDER BY ${pk} OFFSET ${offset} LIMIT 1`)).rows[0]?.v;
    if (v !== undefined) keys.add(v);
  }
  const last = (await client.query(`SELECT ${pk}::text AS v FROM ${table} ORDER BY ${pk} DESC LIMIT 1`)).rows[0]?.v;
  if (last !== undefined) keys.add(last);
  return [...keys];
}

/** What a writer waits for, without writing: ROW EXCLUSIVE on the table, then the row locks an UPDATE takes. */
function writeLock(table: string, where: string): string {
  return `BEGIN; LOCK TABLE ONLY ${table} IN ROW EXCLUSIVE MODE; SELECT 1 FROM ${table} WHERE ${where} FOR NO KEY UPDATE; ROLLBACK`;
}

/** The write probe of the rows with these keys (compared in the key's own type, so it uses the primary key index). */
export function keyUpdate(t: ProbeTarget, keys: string[]): string {
  const { column, type } = t.pk!;
  return writeLock(t.qualified, keys.length ? `${column} IN (${keys.map((k) => `${pgLiteral(k)}::${type}`).join(', ')})` : 'false');
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
  private reads = new Map<string, Series>();
  private writes = new Map<string, Series>();
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
    const k = String(target.oid);
    if (!this.reads.has(k)) this.reads.set(k, { target, attempts: [], dead: false });
    if (target.writeSql && !this.writes.has(k)) this.writes.set(k, { target, attempts: [], dead: false });
  }

  /** Also write to these rows of the target (those a statement's WHERE selects), from now on. */
  addWriter(target: ProbeTarget, writeSql: string): void {
    this.writes.set(`${target.oid}:${writeSql}`, { target: { ...target, writeSql }, attempts: [], dead: false });
  }

  has(oid: number): boolean {
    return this.reads.has(String(oid));
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

  private async loop(client: pg.Client, series: Map<string, Series>, sql: (t: ProbeTarget) => string): Promise<void> {
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
          // The writer's explicit transaction is aborted: end it, or every later probe fails.
          await client.query('ROLLBACK').catch(() => {});
        }
        s.attempts.push({ start, end: performance.now(), blocked });
      }
      const wait = this.intervalMs - (performance.now() - tick);
      await sleep(Math.max(1, wait));
    }
  }

  /** The longest blocked stretch of reads and of writes among attempts that started in [from, to]. */
  window(from: number, to: number): BlockedWindow {
    const longest = (series: Map<string, Series>) => {
      let best = 0;
      let on: string | undefined;
      let bestFrom: number | undefined;
      for (const s of series.values()) {
        let runStart: number | undefined;
        let runEnd = 0;
        const flush = () => {
          if (runStart !== undefined && runEnd - runStart > best) {
            best = runEnd - runStart;
            on = s.target.name;
            bestFrom = runStart;
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
      return { ms: Math.round(best), on, from: bestFrom };
    };
    const r = longest(this.reads);
    const w = longest(this.writes);
    return { readsMs: r.ms, writesMs: w.ms, readsOn: r.on, writesOn: w.on, readsFrom: r.from, writesFrom: w.from };
  }

  async close(): Promise<void> {
    await this.stop();
    await Promise.all([this.reader.end().catch(() => {}), this.writer.end().catch(() => {})]);
  }
}
