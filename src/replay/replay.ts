import pg from 'pg';
import { initParser, parseSource, type SourceStatement } from '../source/index.js';
import { loadMigration, loadSchemaFile, plannedForeignKeys, type LoadedFile, type ReplayMigration } from './migrations.js';
import { loadProbeTargets } from './probe.js';
import { startServer, type ProviderName, type ProviderAttempt } from './providers.js';
import { seedDatabase, type SeedProgress, type SeedResult } from './seed.js';
import { addEstimates, checkFits, replayedTables, seedRows, type ReplayStats, type ReplayStatsSummary } from './stats-seed.js';
import { defaultBaseDir } from './cluster.js';
import type { StatsSnapshot } from '../stats/snapshot.js';
import { defaultSeedCacheDir, seedCacheKey } from './seed-cache.js';
import { blankTrace, holdLongTransaction, mentionedRelations, Tracer } from './tracer.js';
import { Analyzer } from '../analysis/analyzer.js';
import type { StatementTrace } from './trace-types.js';
import { displayName, errorMessage, lockStrength, ms, oneLine, quoted, rememberUrlPasswords, ReplayUsageError } from './util.js';
import { maskSecrets } from '../report/mask.js';
import { judge, lintPending } from './static.js';

export interface ReplayOptions {
  /** Every migration in run order (base, then pending), as the project layer discovered and prepared them. */
  migrations: ReplayMigration[];
  schema?: string;
  rows: number;
  rowsFor?: Record<string, number>;
  /** A `pgsafe stats` snapshot: tables seeded at its row counts (× scale), estimates set beside measurements. */
  stats?: ReplayStats;
  /** Deprecated: a live database to snapshot instead of a `--stats` file (the same path). */
  statsFrom?: string;
  maxBlockingMs: number;
  simulateLongTransactionMs?: number;
  assumeInTransaction?: boolean;
  databaseUrl?: string;
  clone?: boolean;
  provider?: 'auto' | ProviderName;
  pgVersion?: number;
  /**
   * Stop at the first base (history) statement that fails. By default it is skipped with a note: a history with a
   * step that is not an SQL file (a goose Go migration) is not the pending migration's fault.
   */
  strictBase?: boolean;
  /** Reuse seeded clusters across runs (local and embedded providers): true = the default cache dir, or a dir. */
  seedCache?: boolean | string;
  log?: (message: string) => void;
  onProgress?: (p: SeedProgress | { phase: 'server' | 'base' | 'trace'; detail: string }) => void;
}

export interface ReplayFinding {
  path: string;
  line: number;
  column: number;
  /** `replay-blocking`, `replay-statement-failed`, or the id of a lint rule that replay confirmed. */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface ReplayReport {
  server: { version: string; provider: ProviderName; detail: string; startMs: number; attempts: ProviderAttempt[] } | null;
  seed: (Omit<SeedResult, 'tables'> & { tables: { table: string; rows: number; loadMs: number; warning?: string; prefilled?: boolean; schemaOnly?: boolean }[]; rowsPerSecond: number; cached?: boolean; baseFailures?: BaseFailure[] }) | null;
  base: { schema?: string; files: string[] };
  longTransaction?: { ms: number; tables: string[] };
  files: { path: string; statements: StatementTrace[] }[];
  findings: ReplayFinding[];
  maxBlockingMs: number;
  /** Notes that apply to the whole replay (e.g. the static-lint comparison that is not available yet). */
  notes: string[];
  /** Base statements that failed and were skipped (the history did not apply cleanly). */
  baseFailures?: BaseFailure[];
  /** Rows per table as the server counts them just before the trace (seeded, cached or cloned alike). */
  tableRows?: Record<string, number>;
  /** With `--stats`: the snapshot, scale and model, and how the measurements compare with the estimates. */
  stats?: ReplayStatsSummary;
}

async function connect(config: pg.ClientConfig): Promise<pg.Client> {
  const c = new pg.Client(config);
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** A base (history) statement that failed. */
export interface BaseFailure {
  path: string;
  line: number;
  column: number;
  message: string;
  code?: string;
}

function failureOf(file: LoadedFile, s: SourceStatement, err: unknown, major: number): BaseFailure {
  const code = (err as { code?: string }).code;
  const hint = code === '42601' ? ` (PostgreSQL ${major} rejects it as a syntax error; if the project needs a newer version, rerun with --pg-version <major>)` : '';
  return { path: file.path, line: s.line, column: s.column, message: `${oneLine(errorMessage(err))}${hint}`, code };
}

const failureText = (f: BaseFailure) => `${f.path}:${f.line}:${f.column}: ${f.message}`;

/**
 * Applies untraced SQL statement by statement (so CONCURRENTLY and VACUUM work), honouring its transactions.
 * `strict`: the first failure throws. Otherwise a file that fails is run again one statement at a time, outside a
 * transaction, so that everything that does run is applied (later files find as much of the schema as possible);
 * the statements that still fail are returned.
 */
async function applyUntraced(client: pg.Client, file: LoadedFile, major = 15, strict = true): Promise<BaseFailure[]> {
  // As the framework runs it: one transaction when it wraps the file (LOCK TABLE and friends need one). A statement
  // Postgres refuses in a transaction block would fail under the framework too; the base is not under test, so run
  // such a file statement by statement instead.
  const wrap = file.inTransaction && !file.statements.some((s) => s.kind === 'TransactionStmt');
  const run = async (statements: SourceStatement[]) => {
    for (const s of statements) {
      try {
        await client.query(s.text);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        return { s, err };
      }
    }
    return undefined;
  };
  let failed = wrap ? await run(wrapInTransaction(file)) : await run(file.statements);
  if (failed && wrap && (failed.err as { code?: string }).code === '25001') failed = await run(file.statements);
  await client.query('ROLLBACK').catch(() => {});
  if (!failed) return [];
  // A syntax error pgsafe's parser accepted is the server's version, not a missing history step: replaying on the
  // wrong version measures nothing, so it stops whatever --strict-base says.
  const tooOld = (err: unknown) => (err as { code?: string }).code === '42601';
  if (strict || tooOld(failed.err)) throw new ReplayUsageError(`base migration failed: ${failureText(failureOf(file, failed.s, failed.err, major))}`);
  const out: BaseFailure[] = [];
  for (const s of file.statements) {
    if (s.kind === 'TransactionStmt') continue;
    try {
      await client.query(s.text);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      if (tooOld(err)) throw new ReplayUsageError(`base migration failed: ${failureText(failureOf(file, s, err, major))}`);
      out.push(failureOf(file, s, err, major));
    }
  }
  return out;
}

/** The report's note on a history that did not apply cleanly: how much failed, the first failures, what to do. */
function baseFailureNote(failures: BaseFailure[]): string {
  const files = new Set(failures.map((f) => f.path));
  const shown = failures.slice(0, 3).map(failureText).join('; ');
  const more = failures.length > 3 ? `; and ${failures.length - 3} more` : '';
  return `the history did not apply cleanly: ${failures.length} base statement(s) in ${files.size} file(s) failed and were skipped (${shown}${more}). ` +
    'A history step that is not an SQL file (a Go or code migration) or a server version mismatch is the usual cause; ' +
    'the schema the pending migrations see may differ from production. Pass --schema with `pg_dump --schema-only` of a real database to start from its schema, or --strict-base to stop instead';
}

function wrapInTransaction(file: LoadedFile): SourceStatement[] {
  if (!file.inTransaction || file.statements.some((s) => s.kind === 'TransactionStmt')) return file.statements;
  const synthetic = (text: string, kind: string, at: SourceStatement | undefined): SourceStatement => ({
    ...(at ?? file.statements[0]),
    text,
    kind: 'TransactionStmt',
    node: { kind },
  });
  if (file.statements.length === 0) return [];
  const last = file.statements[file.statements.length - 1];
  return [synthetic('BEGIN', 'TRANS_STMT_BEGIN', file.statements[0]), ...file.statements, { ...synthetic('COMMIT', 'TRANS_STMT_COMMIT', last), line: last.endLine, column: last.endColumn }];
}

/** Runs the whole replay: server, base, seed, traced pending migrations, findings. Always disposes the server. */
export async function runReplay(opts: ReplayOptions): Promise<ReplayReport> {
  if (!opts.migrations.some((m) => m.pending)) throw new ReplayUsageError('no pending migration to replay');
  await initParser();
  const schema = opts.schema ? await loadSchemaFile(opts.schema) : undefined;
  const base = opts.migrations.filter((m) => !m.pending).map(loadMigration);
  const pending = opts.migrations.filter((m) => m.pending).map(loadMigration);
  // Nothing to run (an empty or comment-only pending file): no server is started.
  if (pending.every((f) => f.statements.length === 0)) {
    return { server: null, seed: null, base: { schema: opts.schema, files: base.map((f) => f.path) }, files: pending.map((f) => ({ path: f.path, statements: [] })), findings: [], maxBlockingMs: opts.maxBlockingMs, notes: ['the pending migrations contain no SQL statement: nothing to replay, no server started'] };
  }
  rememberUrlPasswords([opts.databaseUrl, opts.statsFrom]);

  let statsSource = opts.stats;
  if (opts.statsFrom && !statsSource) {
    // The same path as --stats, with the snapshot taken now (read-only session, no traffic sample).
    const { openSession, maskUrl } = await import('../stats/connect.js');
    const { collectSnapshot } = await import('../stats/collect.js');
    let c: pg.Client | undefined;
    try {
      c = await openSession(opts.statsFrom);
      statsSource = { snapshot: await collectSnapshot(c, { sampleMs: 0 }), source: '--stats-from (a snapshot taken now)', scale: 1 };
    } catch (err) {
      throw new ReplayUsageError(`--stats-from: ${maskSecrets(maskUrl(oneLine(errorMessage(err)), opts.statsFrom))}`);
    } finally {
      await c?.end().catch(() => {});
    }
  }
  const stats = statsSource && seedRows(statsSource);

  opts.onProgress?.({ phase: 'server', detail: 'starting Postgres' });
  const touched = touchedTables(pending);
  if (statsSource && (!opts.provider || opts.provider === 'auto' || opts.provider === 'local' || opts.provider === 'embedded') && !opts.databaseUrl) checkFits(statsSource, touched, defaultBaseDir());
  const cacheDir = opts.seedCache === true ? defaultSeedCacheDir() : typeof opts.seedCache === 'string' ? opts.seedCache : undefined;
  const seedCache = cacheDir
    ? { dir: cacheDir, key: seedCacheKey({ schema: schema?.text, base: base.map((f) => f.text), rows: opts.rows, rowsFor: opts.rowsFor ?? {}, stats: stats ?? null, plannedFks: plannedForeignKeys(pending), touched }) }
    : undefined;
  const { server, attempts } = await startServer({ provider: opts.provider, databaseUrl: opts.databaseUrl, clone: opts.clone, pgVersion: opts.pgVersion, log: opts.log, seedCache });
  const report: ReplayReport = {
    server: { version: server.version, provider: server.provider, detail: maskSecrets(server.detail), startMs: Math.round(server.startMs), attempts },
    seed: null,
    base: { schema: opts.schema, files: base.map((f) => f.path) },
    files: [],
    findings: [],
    maxBlockingMs: opts.maxBlockingMs,
    notes: [],
  };
  let replayed: StatsSnapshot | undefined;
  const baseFailures: BaseFailure[] = [];
  try {
    let admin = await connect(server.clientConfig());
    try {
      if (server.cachedSeed) {
        report.seed = { ...(server.cachedSeed as NonNullable<ReplayReport['seed']>), cached: true };
      } else if (!server.cloned) {
        opts.onProgress?.({ phase: 'base', detail: `applying ${schema ? 'schema + ' : ''}${base.length} base migration(s)` });
        if (schema) {
          // pg_dump sets search_path to '' for its session: apply it on a connection of its own.
          const c = await connect(server.clientConfig());
          try {
            await applyUntraced(c, schema, Number.parseInt(server.version, 10));
          } finally {
            await c.end().catch(() => {});
          }
        }
        for (const f of base) {
          try {
            baseFailures.push(...(await applyUntraced(admin, f, Number.parseInt(server.version, 10), !!opts.strictBase)));
          } catch (err) {
            throw err instanceof ReplayUsageError && opts.strictBase && !/--pg-version/.test(err.message) ? new ReplayUsageError(`${err.message} (--strict-base: without it a failing base statement is skipped with a warning)`) : err;
          }
        }
        const seed = await seedDatabase(admin, {
          rows: opts.rows,
          rowsFor: opts.rowsFor,
          stats,
          superuser: server.superuser,
          plannedFks: plannedForeignKeys(pending),
          only: touched,
          onProgress: opts.onProgress,
          connect: () => connect(server.clientConfig()),
        });
        // The base failures travel with a cached seed: a later run from the cache must say the same.
        report.seed = { ...seed, rowsPerSecond: seed.loadMs > 0 ? Math.round((seed.totalRows / seed.loadMs) * 1000) : 0, ...(baseFailures.length ? { baseFailures } : {}) };
        if (server.saveSeed) {
          opts.onProgress?.({ phase: 'base', detail: 'saving the seeded cluster for the next run' });
          await admin.end().catch(() => {});
          await server.saveSeed(report.seed);
          admin = await connect(server.clientConfig());
        }
      } else {
        report.notes.push('cloned database: base schema and seeding skipped, the data is the real one');
      }
      if (server.cachedSeed) baseFailures.push(...(report.seed?.baseFailures ?? []));
      if (baseFailures.length) {
        report.baseFailures = baseFailures;
        report.notes.unshift(baseFailureNote(baseFailures));
        opts.log?.(`pgsafe replay: warning: ${baseFailures.length} base statement(s) failed and were skipped (first: ${failureText(baseFailures[0])}); see the report's notes`);
      }
      // Never analysed (reltuples -1): the seeder's own count.
      report.tableRows = { ...Object.fromEntries((report.seed?.tables ?? []).map((t) => [t.table, t.rows])), ...(await liveRows(admin)) };
      if (statsSource) replayed = await replayedTables(admin);
      const targets = await loadProbeTargets(admin);
      const tracer = new Tracer(server.clientConfig(), { probeTargets: targets });
      await tracer.connect();
      try {
        let long: Promise<void> | undefined;
        if (opts.simulateLongTransactionMs) {
          const names = new Set<string>();
          for (const f of pending) for (const s of f.statements) for (const r of mentionedRelations(s.node)) names.add(r);
          const existing = [...targets.values()].filter((t) => names.has(t.rel) || [...names].some((n) => n.split('.').pop() === t.rel.split('.').pop()));
          report.longTransaction = { ms: opts.simulateLongTransactionMs, tables: existing.map((t) => t.name) };
          if (existing.length) long = (await holdLongTransaction(server.clientConfig(), existing.map((t) => t.qualified), opts.simulateLongTransactionMs)).done;
        }
        let stop = false;
        const major = Number.parseInt(server.version, 10) || 15;
        const model = new Analyzer({ pgVersion: major, assumeInTransaction: false });
        for (const f of pending) {
          const entry = { path: f.path, statements: [] as StatementTrace[] };
          report.files.push(entry);
          model.beginFile(f.path);
          for (const s of wrapInTransaction(f)) {
            // After a failure the rest is listed, not run: a reviewer sees what never happened.
            if (stop) {
              entry.statements.push(blankTrace(s, false, 'not-run'));
              continue;
            }
            opts.onProgress?.({ phase: 'trace', detail: `${f.path}:${s.line}` });
            const facts = model.analyse(s);
            model.apply(facts);
            const t = await tracer.run(s, facts.noTransaction);
            entry.statements.push(t);
            if (t.error) {
              stop = true;
              if (t.error.code === '25001' && f.inTransaction) {
                const why = f.transactionOptOut ?? 'the file runs in a transaction (--assume-in-transaction or the config)';
                t.notes.push(`PostgreSQL refuses this statement inside a transaction block. ${why}. To replay the file as it runs with that opt-out in place, pass --no-assume-in-transaction`);
              }
              if (baseFailures.length && ['42P01', '42703', '42704', '42883', '3F000'].includes(t.error.code ?? '')) {
                t.notes.push(`this may be the history's fault, not this migration's: ${baseFailures.length} base statement(s) failed and were skipped (first: ${failureText(baseFailures[0])})`);
              }
              if (t.error.code === '42601') t.notes.push(`pgsafe's parser (PostgreSQL 18 grammar) accepts this statement but the PostgreSQL ${major} server does not: if it needs a newer version, rerun with --pg-version <major>`);
              if (tracer.transactionOpen) {
                const earlier = entry.statements.filter((x) => x.inTransaction && x.mode !== 'transaction-control' && x !== t).length;
                t.notes.push(`the transaction was rolled back${earlier ? `: the ${earlier} earlier statement(s) of it did not take effect` : ''}`);
              }
            }
          }
          if (tracer.transactionOpen) {
            await tracer.rollbackIfOpen();
            if (!stop) report.notes.push(`${f.path}: transaction left open at the end of the file; rolled back`);
          }
        }
        await long;
      } finally {
        await tracer.close();
      }
    } finally {
      await admin.end().catch(() => {});
    }
  } finally {
    await server.dispose();
  }
  for (const f of report.files) {
    for (const st of f.statements) {
      // Lock-queue amplification: while the statement waited for its lock, everything behind it waited too.
      // Only the lock queue on a relation; relation-extension and tuple waits are brief page-level waits, not queueing.
      const waited = st.waits.filter((w) => w.locktype === 'relation').reduce((m, w) => Math.max(m, w.ms), 0);
      if (waited > 0 && st.lockTimeoutMs === 0) {
        st.notes.push(`waited ${ms(waited)} for its lock with no lock_timeout, and reads and writes queued behind it; SET lock_timeout = '${opts.maxBlockingMs}ms' bounds that to about ${ms(opts.maxBlockingMs)}`);
      } else if (waited > 0) {
        st.notes.push(`waited ${ms(waited)} for its lock; lock_timeout = ${ms(st.lockTimeoutMs)} bounds the wait`);
      }
    }
  }
  await compareWithLint(report, [...(schema ? [schema] : []), ...base], pending, opts);
  if (statsSource && replayed) {
    report.stats = await addEstimates(report.files, [...(schema ? [schema] : []), ...base], pending, { stats: statsSource, replayed, pgVersion: Number.parseInt(report.server?.version ?? '', 10) || 15, assumeInTransaction: !!opts.assumeInTransaction, touched });
  }
  report.findings = findingsOf(report, opts);
  return report;
}

/** Tables the pending migrations name (the seeder fills these and their foreign-key neighbours). */
function touchedTables(pending: LoadedFile[]): string[] | undefined {
  // Statements inside PL/pgSQL bodies count too; a DO block whose SQL pgsafe cannot see means: seed everything.
  const all = pending.flatMap((f) => parseSource(f.text).statements);
  if (all.some((s) => s.kind === 'DoStmt' && !all.some((c) => c.parent === s))) return undefined;
  return [...new Set(all.flatMap((s) => mentionedRelations(s.node)))];
}

/** Runs the lint engine on the same files and marks each lock-related finding confirmed or refuted by the trace. */
async function compareWithLint(report: ReplayReport, base: LoadedFile[], pending: LoadedFile[], opts: ReplayOptions): Promise<void> {
  const found = await lintPending(base, pending, { pgVersion: Number.parseInt(report.server?.version ?? '', 10) || 15, assumeInTransaction: !!opts.assumeInTransaction });
  if ('error' in found) {
    report.notes.push(`static lint comparison unavailable: ${oneLine(found.error)}`);
    return;
  }
  const rows = new Map(Object.entries(report.tableRows ?? {}));
  for (const f of report.files) {
    const traces = f.statements.filter((s) => s.mode !== 'transaction-control');
    for (const finding of found.get(f.path) ?? []) {
      const s = traces.find((t) => finding.line >= t.line && finding.line <= t.endLine);
      if (!s) continue;
      const verdict = judge(finding, s, rows);
      if (verdict) (s.static ??= []).push(verdict);
    }
  }
}

function rowsText(report: ReplayReport, relation: string | undefined): string {
  const n = relation ? report.tableRows?.[relation] : undefined;
  return n !== undefined ? ` at ${n.toLocaleString('en-US')} rows` : '';
}

/** Row counts from the catalog (VACUUM ANALYZE ran after seeding, so these are exact for seeded tables). */
async function liveRows(c: pg.Client): Promise<Record<string, number>> {
  const r = await c.query(`SELECT n.nspname AS s, c.relname AS t, c.reltuples::float8 AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND c.oid >= 16384 AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`);
  return Object.fromEntries(r.rows.filter((x) => x.n >= 0).map((x) => [displayName(x.s, x.t), Math.round(Number(x.n))]));
}

function head(sql: string): string {
  const words = sql.replace(/\s+/g, ' ').trim().split(' ');
  const kw = words.slice(0, words[0]?.toUpperCase() === 'ALTER' || words[0]?.toUpperCase() === 'CREATE' ? 2 : 1).join(' ').toUpperCase();
  return '`' + kw + '`';
}

export function findingsOf(report: ReplayReport, opts: Pick<ReplayOptions, 'maxBlockingMs' | 'simulateLongTransactionMs'>): ReplayFinding[] {
  const out: ReplayFinding[] = [];
  for (const f of report.files) {
    for (const s of f.statements) {
      // A lint finding replay confirmed keeps its rule and severity; a refuted one stays in the statement's `static` list only.
      for (const v of s.static ?? []) {
        if (v.verdict === 'confirmed') out.push({ path: f.path, line: v.line, column: v.column, rule: v.rule, severity: v.severity === 'error' ? 'error' : 'warning', message: `${v.message} — ${v.evidence}` });
      }
      const b = s.blocked;
      if (b.readsMs > opts.maxBlockingMs || b.writesMs > opts.maxBlockingMs) {
        const parts: string[] = [];
        const same = b.readsMs > 0 && b.writesMs > 0 && b.readsOn === b.writesOn;
        if (b.readsMs > 0) parts.push(`reads for ${ms(b.readsMs)}${b.readsOn && !same ? ` on ${quoted(b.readsOn)}` : ''}`);
        if (b.writesMs > 0) parts.push(`writes for ${ms(b.writesMs)}${b.writesOn ? ` on ${quoted(b.writesOn)}` : ''}`);
        const strongest = s.locks.filter((l) => l.relation === (b.writesOn ?? b.readsOn)).sort((x, y) => lockStrength(y.mode) - lockStrength(x.mode))[0];
        let msg = `${head(s.sql)} blocked ${parts.join(' and ')}${rowsText(report, b.writesOn ?? b.readsOn)} (limit ${ms(opts.maxBlockingMs)})`;
        if (strongest) msg += `; it took ${strongest.mode} on ${quoted(strongest.relation)}`;
        const waited = s.waits.filter((w) => w.locktype === 'relation' || w.locktype === 'virtualxid' || w.locktype === 'transactionid').reduce((m, w) => Math.max(m, w.ms), 0);
        if (opts.simulateLongTransactionMs && waited > 0) {
          msg += s.lockTimeoutMs > 0
            ? `; lock_timeout = ${s.lockTimeoutMs} ms was in force`
            : `; it queued ${ms(waited)} behind the open transaction with no lock_timeout: \`SET lock_timeout = '${Math.max(1, Math.min(opts.maxBlockingMs, 2000))}ms'\` bounds the wait`;
        }
        out.push({ path: f.path, line: s.line, column: s.column, rule: 'replay-blocking', severity: 'error', message: msg });
      }
      if (s.error) {
        const timedOut = s.error.code === '55P03';
        const msg = timedOut && opts.simulateLongTransactionMs
          ? `${head(s.sql)} gave up after lock_timeout = ${s.lockTimeoutMs} ms behind the ${opts.simulateLongTransactionMs} ms transaction; the application was blocked at most ${Math.max(s.blocked.readsMs, s.blocked.writesMs)} ms (retry the migration)`
          : `statement failed on replay: ${s.error.message}`;
        out.push({ path: f.path, line: s.line, column: s.column, rule: 'replay-statement-failed', severity: timedOut && opts.simulateLongTransactionMs ? 'warning' : 'error', message: msg });
      }
    }
  }
  return out;
}
