import pg from 'pg';
import type { SourceStatement } from '../source/index.js';
import { BlockingProbe, keyUpdate, type ProbeTarget } from './probe.js';
import type { LockInfo, RewriteInfo, StatementTrace, TraceMode } from './trace-types.js';
import { displayName, errorMessage, lockStrength, oneLine, sleep } from './util.js';
import { parseDuration } from '../analysis/duration.js';
import { blocksWrites, LOCK_MODES, type LockMode } from '../analysis/locks.js';
import { redactSql } from '../analysis/secrets.js';

interface Rel {
  oid: number;
  schema: string;
  name: string;
  kind: string;
  filenode: number;
  toastOf?: number;
}

interface Snapshot {
  rels: Map<number, Rel>;
  scans: Map<number, { seq: number; tup: number }>;
  locks: RawLock[];
  lockTimeout: string;
}

interface RawLock {
  locktype: string;
  relation: number | null;
  mode: string;
  granted: boolean;
}

const REL_KINDS: Record<string, string> = { r: 'table', p: 'table', i: 'index', I: 'index', t: 'toast', m: 'materialized view', S: 'sequence', v: 'view', f: 'foreign table', c: 'type' };

/** One JSON value read inside the migration session's own transaction: user relations, its xact scan counters, its locks. */
const SNAPSHOT_SQL = `SELECT json_build_object(
  'rels', (SELECT json_agg(json_build_array(c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8, c.reltoastrelid::int8))
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384),
  'scans', (SELECT json_agg(json_build_array(relid::int8, seq_scan, seq_tup_read)) FROM pg_stat_xact_user_tables),
  'locks', (SELECT json_agg(json_build_array(locktype, relation::int8, mode, granted)) FROM pg_locks WHERE pid = pg_backend_pid()),
  'lt', current_setting('lock_timeout')) AS pgsafe_snapshot`;

const OBSERVER_SQL = `SELECT json_build_object(
  'locks', (SELECT json_agg(json_build_array(locktype, relation::int8, mode, granted)) FROM pg_locks WHERE pid = $1),
  'phase', (SELECT phase FROM pg_stat_progress_create_index WHERE pid = $1)) AS o`;

const REL_SQL = `SELECT json_agg(json_build_array(c.oid::int8, n.nspname, c.relname, c.relkind, c.relfilenode::int8, c.reltoastrelid::int8)) AS rels
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid >= 16384`;

function parseRels(rows: unknown[][] | null): Map<number, Rel> {
  const m = new Map<number, Rel>();
  for (const [oid, schema, name, kind, filenode] of rows ?? []) m.set(Number(oid), { oid: Number(oid), schema: String(schema), name: String(name), kind: String(kind), filenode: Number(filenode) });
  for (const [oid, , , , , toast] of rows ?? []) {
    const t = m.get(Number(toast));
    if (t) t.toastOf = Number(oid);
  }
  return m;
}

function parseSnapshot(v: { rels: unknown[][] | null; scans: unknown[][] | null; locks: unknown[][] | null; lt: string }): Snapshot {
  const scans = new Map<number, { seq: number; tup: number }>();
  for (const [relid, seq, tup] of v.scans ?? []) scans.set(Number(relid), { seq: Number(seq), tup: Number(tup) });
  return { rels: parseRels(v.rels), scans, locks: parseLocks(v.locks), lockTimeout: v.lt };
}

function parseLocks(rows: unknown[][] | null): RawLock[] {
  return (rows ?? []).map(([locktype, relation, mode, granted]) => ({
    locktype: String(locktype),
    relation: relation === null ? null : Number(relation),
    mode: String(mode),
    granted: Boolean(granted),
  }));
}

/** A `current_setting('lock_timeout')` value in ms (0 = none). */
function settingMs(v: string): number {
  return parseDuration(v) ?? 0;
}


/** Relation names a statement mentions (RangeVar nodes), as `schema.name` or `name`. */
export function mentionedRelations(node: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'RangeVar' && val && typeof val === 'object') {
        const rv = val as { schemaname?: string; relname?: string };
        if (rv.relname) out.add(rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname);
      }
      // ALTER TABLE / CREATE INDEX keep their target in `relation` without a RangeVar wrapper.
      if (k === 'relation' && val && typeof val === 'object' && 'relname' in (val as object)) {
        const rv = val as { schemaname?: string; relname?: string };
        if (rv.relname) out.add(rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname);
      }
      walk(val);
    }
  };
  walk(node);
  return [...out];
}

export interface TracerOptions {
  probeTargets: Map<number, ProbeTarget>;
  /** Poll interval of the observer session, ms. */
  pollMs?: number;
  probeIntervalMs?: number;
  probeLockTimeoutMs?: number;
}

/**
 * Runs statements in session A while session B watches `pg_locks WHERE pid = A`, and two probe sessions measure how
 * long reads and writes on the locked tables were blocked.
 */
export class Tracer {
  private a: pg.Client;
  private b: pg.Client;
  private probe: BlockingProbe;
  private aPid = 0;
  private inTransaction = false;
  /** The trace's clock: statement start times are ms since this. */
  private t0: number | undefined;
  /** Names of relations seen at any point (a dropped relation keeps its name). */
  private names = new Map<number, Rel>();

  constructor(
    private config: pg.ClientConfig,
    private opts: TracerOptions,
  ) {
    this.a = new pg.Client({ ...config, application_name: 'pgsafe-replay-migration' });
    this.b = new pg.Client({ ...config, application_name: 'pgsafe-replay-observer' });
    this.probe = new BlockingProbe(config, opts.probeIntervalMs ?? 10, opts.probeLockTimeoutMs ?? 20);
  }

  async connect(): Promise<void> {
    this.a.on('error', () => {});
    this.b.on('error', () => {});
    await this.a.connect();
    await this.b.connect();
    await this.probe.connect();
    this.aPid = (await this.a.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    // Parallel workers count their share of a scan in their own statistics, which the migration session's
    // pg_stat_xact_user_tables never sees: run without them so every scan and row is counted once.
    await this.a.query('SET max_parallel_maintenance_workers = 0; SET max_parallel_workers_per_gather = 0');
    this.remember(parseRels((await this.b.query(REL_SQL)).rows[0].rels));
  }

  get migrationPid(): number {
    return this.aPid;
  }

  get transactionOpen(): boolean {
    return this.inTransaction;
  }

  private remember(rels: Map<number, Rel>): void {
    for (const [oid, r] of rels) this.names.set(oid, r);
  }

  private relName(oid: number | null, rels?: Map<number, Rel>): string {
    if (oid === null) return '?';
    const r = rels?.get(oid) ?? this.names.get(oid);
    if (!r) return `oid ${oid}`;
    // pg_toast.pg_toast_<table oid>[_index]: name it after its table.
    const toast = r.schema === 'pg_toast' ? /^pg_toast_(\d+)(_index)?$/.exec(r.name) : null;
    if (toast) {
      const owner = rels?.get(Number(toast[1])) ?? this.names.get(Number(toast[1]));
      if (owner) return `${display(owner)} (toast${toast[2] ? ' index' : ''})`;
    }
    return display(r);
  }

  private lockList(locks: RawLock[], rels?: Map<number, Rel>): LockInfo[] {
    const out: LockInfo[] = [];
    for (const l of locks) {
      if (l.locktype !== 'relation' || !l.granted || l.relation === null || l.relation < 16384) continue;
      // A relation that existed neither before nor after the statement (the transient heap of a rewrite): not the user's.
      if (!rels?.has(l.relation) && !this.names.has(l.relation)) continue;
      const info = { relation: this.relName(l.relation, rels), mode: l.mode };
      if (!out.some((o) => o.relation === info.relation && o.mode === info.mode)) out.push(info);
    }
    // Strongest first; within a mode, the table before its toast relations.
    const toast = (l: LockInfo) => Number(l.relation.endsWith('(toast)') || l.relation.endsWith('(toast index)'));
    return out.sort((x, y) => lockStrength(y.mode) - lockStrength(x.mode) || toast(x) - toast(y));
  }

  /** Tables (probe targets) the statement will likely lock, from its text, before it runs. */
  private predictTargets(s: SourceStatement): ProbeTarget[] {
    const out: ProbeTarget[] = [];
    for (const name of mentionedRelations(s.node)) {
      const [schema, rel] = name.includes('.') ? name.split('.', 2) : [undefined, name];
      for (const r of this.names.values()) {
        if (r.name === rel && (schema ? r.schema === schema : true) && this.opts.probeTargets.has(r.oid)) out.push(this.opts.probeTargets.get(r.oid)!);
      }
    }
    return out;
  }

  /** Runs one statement; `noTransaction` (analysis's fact): Postgres refuses it inside a transaction block, so it runs on its own. */
  async run(s: SourceStatement, noTransaction = false): Promise<StatementTrace> {
    const trace = blankTrace(s, this.inTransaction);
    this.t0 ??= performance.now();
    trace.startMs = Math.round(performance.now() - this.t0);
    if (s.kind === 'TransactionStmt') return this.runTransactionControl(s, trace);
    if (s.kind === 'CopyStmt' && (s.node as { is_from?: boolean; filename?: string })?.is_from && !(s.node as { filename?: string }).filename) {
      trace.mode = 'skipped';
      trace.notes.push('COPY … FROM STDIN needs client data; skipped');
      return trace;
    }
    const alone = !this.inTransaction && noTransaction;
    return alone ? this.runAlone(s, trace) : this.runWrapped(s, trace);
  }

  private async runTransactionControl(s: SourceStatement, trace: StatementTrace): Promise<StatementTrace> {
    trace.mode = 'transaction-control';
    const kind = String((s.node as { kind?: string })?.kind ?? '');
    const t0 = performance.now();
    try {
      await this.a.query(s.text);
    } catch (err) {
      trace.error = { code: (err as { code?: string }).code, message: oneLine(errorMessage(err)) };
    }
    trace.durationMs = performance.now() - t0;
    if (/BEGIN|START/.test(kind)) this.inTransaction = true;
    else if (/COMMIT|ROLLBACK|PREPARE/.test(kind) && !/SAVEPOINT|TO/.test(kind)) this.inTransaction = false;
    if (this.inTransaction === false) await this.probe.stop();
    return trace;
  }

  /** The statement between two snapshots in one simple-query message: one implicit transaction, still autocommit. */
  private async runWrapped(s: SourceStatement, trace: StatementTrace): Promise<StatementTrace> {
    const held = this.inTransaction ? await this.ownLocks() : [];
    trace.heldLocks = this.lockList(held);
    await this.probeRange(s);
    const watch = this.watch(s, held);
    // Newlines around the statement: a trailing `-- comment` in its text must not swallow what follows.
    const text = `${SNAPSHOT_SQL};\nSELECT clock_timestamp() AS pgsafe_t;\n${s.text}\n;\nSELECT clock_timestamp() AS pgsafe_t;\n${SNAPSHOT_SQL}`;
    let results: pg.QueryResult[] | undefined;
    const t0 = performance.now();
    try {
      results = (await this.a.query(text)) as unknown as pg.QueryResult[];
    } catch (err) {
      const code = (err as { code?: string }).code;
      await watch.finish();
      if (code === '25001' && !this.inTransaction) {
        trace.notes.push('refused inside a transaction block: run on its own');
        return this.runAlone(s, trace);
      }
      trace.durationMs = performance.now() - t0;
      trace.error = { code, message: oneLine(errorMessage(err)) };
      // The snapshot died with the statement; the setting survives outside an aborted transaction block.
      const lt = await this.a.query(`SELECT current_setting('lock_timeout') AS v`).catch(() => undefined);
      if (lt) trace.lockTimeoutMs = settingMs(lt.rows[0].v);
      this.fillObserved(trace, watch, t0, performance.now());
      return trace;
    }
    const t1 = performance.now();
    const observed = await watch.finish();
    if (!Array.isArray(results) || results.length < 5) {
      trace.notes.push('statement produced no separate result; trace incomplete');
      trace.durationMs = t1 - t0;
      return trace;
    }
    const pre = parseSnapshot(results[0].rows[0].pgsafe_snapshot);
    const post = parseSnapshot(results[results.length - 1].rows[0].pgsafe_snapshot);
    const tStart = new Date(results[1].rows[0].pgsafe_t).getTime();
    const tEnd = new Date(results[results.length - 2].rows[0].pgsafe_t).getTime();
    this.remember(pre.rels);
    this.remember(post.rels);
    trace.durationMs = Math.max(0, tEnd - tStart);
    trace.lockTimeoutMs = settingMs(pre.lockTimeout);
    // The statement's own locks: held at its end and not before it (names from the snapshot before it: a DROP keeps its names).
    const before = new Set(pre.locks.filter((l) => l.granted).map(lockKey));
    const own = post.locks.filter((l) => !before.has(lockKey(l)));
    const names = new Map([...post.rels, ...pre.rels]);
    trace.locks = this.lockList(own, names);
    for (const l of this.lockList(observed.locks, names)) {
      if (!trace.locks.some((o) => o.relation === l.relation && o.mode === l.mode) && !trace.heldLocks.some((o) => o.relation === l.relation && o.mode === l.mode)) {
        trace.locks.push({ ...l, transient: true });
      }
    }
    trace.rewrites = rewrites(pre.rels, post.rels, (oid, m) => this.relName(oid, m));
    for (const [relid, after] of post.scans) {
      const b = pre.scans.get(relid) ?? { seq: 0, tup: 0 };
      if (after.seq > b.seq) trace.scans.push({ relation: this.relName(relid, names), seqScans: after.seq - b.seq, rowsRead: after.tup - b.tup });
    }
    this.fillObserved(trace, watch, t0, t1);
    return trace;
  }

  /** Statements that cannot run in a transaction block (CREATE INDEX CONCURRENTLY…): only the observer sees them. */
  private async runAlone(s: SourceStatement, trace: StatementTrace): Promise<StatementTrace> {
    trace.mode = 'outside-transaction';
    const preRels = parseRels((await this.b.query(REL_SQL)).rows[0].rels);
    this.remember(preRels);
    const preScans = await this.sharedScans();
    trace.lockTimeoutMs = settingMs((await this.a.query(`SELECT current_setting('lock_timeout') AS v`)).rows[0].v);
    const watch = this.watch(s, []);
    const t0 = performance.now();
    try {
      await this.a.query(s.text);
    } catch (err) {
      trace.error = { code: (err as { code?: string }).code, message: oneLine(errorMessage(err)) };
    }
    const t1 = performance.now();
    const observed = await watch.finish();
    trace.durationMs = t1 - t0;
    const postRels = parseRels((await this.b.query(REL_SQL)).rows[0].rels);
    this.remember(postRels);
    const names = new Map([...postRels, ...preRels]);
    trace.locks = this.lockList(observed.locks, names);
    trace.rewrites = rewrites(preRels, postRels, (oid, m) => this.relName(oid, m));
    // The statement ran in transactions of its own: compare the shared counters once A has flushed its stats (PG 15+).
    // Probes and the observer never seq-scan user tables, so the difference is the statement's.
    const postScans = preScans && (await this.sharedScans());
    if (preScans && postScans) {
      for (const [relid, after] of postScans) {
        const b = preScans.get(relid) ?? { seq: 0, tup: 0 };
        if (after.seq > b.seq) trace.scans.push({ relation: this.relName(relid, names), seqScans: after.seq - b.seq, rowsRead: after.tup - b.tup });
      }
    }
    const scanPhases = observed.phases.filter((p) => /scanning table/.test(p));
    if (!postScans && scanPhases.length) {
      const target = mentionedRelations(s.node)[0];
      const rel = [...names.values()].find((r) => target && (r.name === target || `${r.schema}.${r.name}` === target));
      trace.scans.push({ relation: rel ? this.relName(rel.oid, names) : (target ?? '?'), seqScans: scanPhases.length });
    }
    if (observed.phases.length) trace.notes.push(`phases: ${observed.phases.join(' → ')}`);
    this.fillObserved(trace, watch, t0, t1);
    return trace;
  }

  private fillObserved(trace: StatementTrace, watch: Watch, t0: number, t1: number): void {
    trace.waits = watch.waits.map((w) => ({ on: w.relation !== null ? this.relName(w.relation) : w.locktype, locktype: w.locktype, mode: w.mode, ms: Math.round(w.total) }));
    const { readsFrom, writesFrom, ...window } = this.probe.window(t0, t1);
    trace.blocked = window;
    if (readsFrom !== undefined) trace.blocked.readsAtMs = Math.round(readsFrom - (this.t0 ?? 0));
    if (writesFrom !== undefined) trace.blocked.writesAtMs = Math.round(writesFrom - (this.t0 ?? 0));
    // Writes blocked while the statement held no table lock that conflicts with them: they waited on its row locks.
    if (trace.blocked.writesMs > 0 && trace.blocked.writesOn) {
      const on = [...trace.locks, ...trace.heldLocks].filter((l) => l.relation === trace.blocked.writesOn);
      if (!on.some((l) => LOCK_MODES.includes(l.mode as LockMode) && blocksWrites(l.mode as LockMode))) trace.blocked.writesByRowLocks = true;
    }
  }

  /** Seq-scan counters of all user tables after A flushed its pending stats; undefined before PG 15. */
  private async sharedScans(): Promise<Map<number, { seq: number; tup: number }> | undefined> {
    if (this.noFlush) return undefined;
    try {
      await this.a.query('SELECT pg_stat_force_next_flush()');
    } catch {
      this.noFlush = true;
      return undefined;
    }
    await sleep(1);
    const rows = (await this.b.query(`SELECT relid::int8 AS relid, seq_scan, seq_tup_read FROM pg_stat_user_tables`)).rows;
    return new Map(rows.map((r) => [Number(r.relid), { seq: Number(r.seq_scan), tup: Number(r.seq_tup_read) }]));
  }

  private noFlush = false;

  private async ownLocks(): Promise<RawLock[]> {
    const r = await this.b.query(`SELECT json_agg(json_build_array(locktype, relation::int8, mode, granted)) AS l FROM pg_locks WHERE pid = $1`, [this.aPid]);
    return parseLocks(r.rows[0].l);
  }

  /**
   * An UPDATE or DELETE with a WHERE: also probe rows it selects (read by the observer before it runs), so a backfill
   * of part of the table is seen blocking writes to the rows it touches.
   */
  private async probeRange(s: SourceStatement): Promise<void> {
    const n = s.node as { whereClause?: unknown; fromClause?: unknown[]; usingClause?: unknown[]; relation?: { alias?: { aliasname?: string } } } | null;
    if (!n?.whereClause || n.fromClause?.length || n.usingClause?.length || !['UpdateStmt', 'DeleteStmt'].includes(s.kind)) return;
    const where = /\bWHERE\b([\s\S]*?)(?:\bRETURNING\b[\s\S]*)?$/i.exec(s.text);
    if (!where || (s.text.match(/\bWHERE\b/gi) ?? []).length !== 1) return;
    const alias = n.relation?.alias?.aliasname;
    for (const t of this.predictTargets(s)) {
      if (!t.pk) continue;
      try {
        await this.b.query(`BEGIN; SET LOCAL statement_timeout = '2s'`);
        const r = await this.b.query(`SELECT ${t.pk.column}::text AS v FROM ${t.qualified}${alias ? ` AS ${alias}` : ''} WHERE ${where[1]} LIMIT 3`);
        if (r.rows.length) this.probe.addWriter(t, keyUpdate(t, r.rows.map((x) => String(x.v))));
      } catch {
        // A WHERE that does not stand alone (a parameter, a CTE): the spread rows still probe.
      } finally {
        await this.b.query('COMMIT').catch(() => {});
      }
    }
  }

  /** Observer polling plus probes, for the duration of one statement. */
  private watch(s: SourceStatement, held: RawLock[]): Watch {
    const w: Watch = { locks: [], waits: [], phases: [], finish: async () => w };
    for (const t of this.predictTargets(s)) this.probe.add(t);
    for (const l of held) if (l.relation !== null && this.opts.probeTargets.has(l.relation)) this.probe.add(this.opts.probeTargets.get(l.relation)!);
    this.probe.start();
    let running = true;
    const seen = new Set<string>();
    const poll = (async () => {
      while (running) {
        try {
          const o = (await this.b.query({ name: 'pgsafe_observe', text: OBSERVER_SQL, values: [this.aPid] })).rows[0].o;
          const now = performance.now();
          const seenNow = new Set<string>();
          for (const l of parseLocks(o.locks)) {
            if (l.granted) {
              const k = lockKey(l);
              if (!seen.has(k)) {
                seen.add(k);
                w.locks.push(l);
              }
              if (l.relation !== null && this.opts.probeTargets.has(l.relation) && !this.probe.has(l.relation)) this.probe.add(this.opts.probeTargets.get(l.relation)!);
            } else {
              // A wait seen on consecutive polls is one stretch; a poll that did not see it ends the stretch (extension
              // locks come and go: their total is the sum of short stretches, not first to last sighting).
              const existing = w.waits.find((x) => lockKey(x) === lockKey(l));
              if (existing?.open) existing.total += now - existing.last;
              else if (existing) existing.total += this.opts.pollMs ?? 2;
              else w.waits.push({ ...l, last: now, total: this.opts.pollMs ?? 2, open: true });
              if (existing) {
                existing.last = now;
                existing.open = true;
              }
              seenNow.add(lockKey(l));
            }
          }
          for (const x of w.waits) if (!seenNow.has(lockKey(x))) x.open = false;
          if (o.phase && w.phases[w.phases.length - 1] !== o.phase) w.phases.push(o.phase);
        } catch {
          // observer hiccup: keep polling
        }
        await sleep(this.opts.pollMs ?? 2);
      }
    })();
    w.finish = async () => {
      running = false;
      await poll;
      if (!this.inTransaction) await this.probe.stop();
      return w;
    };
    return w;
  }

  /** Ends an open transaction (a file without COMMIT) so the next file starts clean. */
  async rollbackIfOpen(): Promise<void> {
    if (this.inTransaction) {
      await this.a.query('ROLLBACK').catch(() => {});
      this.inTransaction = false;
    }
    await this.probe.stop();
  }

  async close(): Promise<void> {
    await this.probe.close();
    await Promise.all([this.a.end().catch(() => {}), this.b.end().catch(() => {})]);
  }
}

interface Watch {
  locks: RawLock[];
  waits: (RawLock & { last: number; total: number; open: boolean })[];
  phases: string[];
  finish(): Promise<Watch>;
}

/** A statement's trace before it runs (and the whole trace of one that is not run). */
export function blankTrace(s: SourceStatement, inTransaction: boolean, mode: TraceMode = 'traced'): StatementTrace {
  return {
    line: s.line,
    column: s.column,
    endLine: s.endLine,
    // A literal password in a migration is masked in every replay format, as in lint output.
    sql: redactSql(s),
    kind: s.kind,
    mode,
    inTransaction,
    durationMs: 0,
    locks: [],
    heldLocks: [],
    waits: [],
    rewrites: [],
    scans: [],
    blocked: { readsMs: 0, writesMs: 0 },
    lockTimeoutMs: 0,
    notes: [],
  };
}

function lockKey(l: RawLock): string {
  return `${l.locktype}:${l.relation}:${l.mode}`;
}

function display(r: Rel): string {
  return displayName(r.schema === 'pg_toast' ? 'public' : r.schema, r.name);
}

/** A rewrite is a relation whose relfilenode changed. */
function rewrites(pre: Map<number, Rel>, post: Map<number, Rel>, name: (oid: number, rels: Map<number, Rel>) => string): RewriteInfo[] {
  const out: RewriteInfo[] = [];
  for (const [oid, after] of post) {
    const before = pre.get(oid);
    if (!before || before.filenode === 0 || after.filenode === 0 || before.filenode === after.filenode) continue;
    if (!['r', 'p', 'i', 'I', 't', 'm'].includes(after.kind)) continue;
    out.push({ relation: name(oid, new Map([...post, ...pre])), kind: REL_KINDS[after.kind] ?? after.kind });
  }
  // ALTER COLUMN TYPE drops and re-creates the indexes on the column: a new oid under the old name is a rebuild.
  for (const [oid, after] of post) {
    if (pre.has(oid) || !['i', 'I'].includes(after.kind)) continue;
    const old = [...pre.values()].find((r) => r.name === after.name && r.schema === after.schema && !post.has(r.oid));
    if (old) out.push({ relation: name(oid, post), kind: 'index (rebuilt)' });
  }
  return out;
}

/** An application transaction: ACCESS SHARE on the tables and a snapshot, held for `ms`. */
export async function holdLongTransaction(config: pg.ClientConfig, tables: string[], ms: number): Promise<{ done: Promise<void> }> {
  const c = new pg.Client({ ...config, application_name: 'pgsafe-long-transaction' });
  c.on('error', () => {});
  await c.connect();
  // REPEATABLE READ keeps its snapshot until COMMIT, as a long report query does: CREATE INDEX CONCURRENTLY waits for it.
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  for (const t of tables) await c.query(`SELECT 1 FROM ${t} WHERE ctid = '(0,1)'::tid`);
  const done = (async () => {
    await sleep(ms);
    await c.query('COMMIT').catch(() => {});
    await c.end().catch(() => {});
  })();
  return { done };
}
