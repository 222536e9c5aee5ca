// `pgsafe replay`: a client of the project layer and the replay engine. The project layer discovers the migrations
// exactly as lint does (config, framework preset, order, sections, placeholders, history, --changed-since); this
// file only picks the pending ones and hands the set to runReplay. Everything is written through `io`.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { rules } from '../../rules/index.js';
import { FRAMEWORKS, type FrameworkName } from '../config/types.js';
import { addCheckRollback, checkRollback, formatRollback, mergeRollbackJson, rollbackExitCode } from '../replay/roundtrip.js';
import { formatReport, type ReplayFormat } from '../replay/format.js';
import { splitPending } from '../replay/files.js';
import type { ReplayMigration } from '../replay/migrations.js';
import { PROVIDERS, type ProviderName } from '../replay/providers.js';
import { interrupted } from '../replay/cleanup.js';
import { runReplay, type ReplayOptions } from '../replay/replay.js';
import { errorMessage, oneLine, rememberUrlPasswords, ReplayUsageError } from '../replay/util.js';
import { maskSecrets } from '../report/mask.js';
import { discoverMigrations as discoverSet, upMigrationOf, UsageError } from '../project/index.js';
import { processIo, useColor, type CliIo } from './io.js';
import { readSnapshot, SnapshotError } from '../stats/snapshot.js';

export interface DiscoverOptions {
  pending?: string;
  changedSince?: string;
  framework?: string;
  /** true/false from the command line (wins over the framework and config); undefined: as they say. */
  assumeInTransaction?: boolean;
  /** A config file; false: none (no discovery). */
  config?: string | false;
  cwd?: string;
}

/**
 * The migrations to replay: the project layer's `MigrationSet` (what `pgsafe lint` reads: files in the framework's
 * order, history, down files and non-migrations left out, each prepared by its preset with placeholders), with the
 * pending ones marked (`--pending`, `--changed-since`, else the last file).
 */
export async function replayMigrations(paths: string[], o: DiscoverOptions = {}): Promise<{ migrations: ReplayMigration[]; notes: string[] }> {
  const cwd = o.cwd ?? process.cwd();
  if (paths.includes('-')) throw new ReplayUsageError('replay runs migration files: stdin (-) is not supported');
  try {
    const set = await discoverSet(paths, { rules, cwd, config: o.config, framework: o.framework, assumeInTransaction: o.assumeInTransaction, changedSince: o.changedSince });
    // Down migrations are the rollback path (--check-rollback runs them), never part of the forward run.
    const files = set.files.filter((f) => !upMigrationOf(resolve(cwd, f.path), f.settings.framework));
    const bad = files.find((f) => f.error !== undefined || !f.prepared);
    if (bad) throw new ReplayUsageError(`${bad.path}: ${bad.error ?? 'could not be read'}`);
    const ordered = files.map((f) => f.path);
    // --changed-since: the project layer marks the changed files pending; the first of them and all after it run.
    const changed = o.changedSince ? new Set(files.filter((f) => f.pending).map((f) => resolve(cwd, f.path))) : undefined;
    if (changed && changed.size === 0) throw new ReplayUsageError(`no pending migration: no migration changed since ${o.changedSince}`);
    const split = splitPending(ordered, { pending: o.pending, changed, changedSince: o.changedSince }, cwd);
    const pending = new Set(split.pending);
    const migrations = files.map((f) => ({
      path: f.path,
      text: f.prepared!.text,
      inTransaction: !!f.prepared!.fileOptions.inTransaction,
      pending: pending.has(f.path),
      framework: f.settings.framework,
      ...(f.prepared!.fileOptions.transactionOptOut ? { transactionOptOut: f.prepared!.fileOptions.transactionOptOut } : {}),
    }));
    return { migrations, notes: set.notes };
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.name === 'ConfigError')) throw new ReplayUsageError(err.message);
    throw err;
  }
}

interface RawOptions {
  schema?: string;
  framework?: string;
  config?: string | false;
  pending?: string;
  changedSince?: string;
  rows: string;
  rowsFor: string[];
  stats?: string;
  scale?: string;
  statsFrom?: string;
  format: string;
  maxBlocking: string;
  simulateLongTransaction?: string;
  assumeInTransaction?: boolean;
  databaseUrl?: string;
  clone?: boolean;
  provider: string;
  pgVersion?: string;
  progress: boolean;
  skipFailingBase?: boolean;
  strictBase?: boolean;
  seedCache: boolean;
  debug?: boolean;
  color?: boolean;
  checkRollback?: boolean;
}

function count(value: string, flag: string, min = 0): number {
  const v = value.replace(/[_,]/g, '');
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(v);
  if (!m) throw new ReplayUsageError(`${flag}: expected a number such as 100000 or 1M, got "${value}"`);
  const n = Math.round(Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1));
  if (n < min) throw new ReplayUsageError(`${flag}: must be at least ${min}, got "${value}"`);
  return n;
}

/** Validates the raw command-line options into `ReplayOptions` (a bad value is a ReplayUsageError). */
export function parseReplayOptions(paths: string[], o: RawOptions): Omit<ReplayOptions, 'migrations'> & { paths: string[]; discover: DiscoverOptions; format: ReplayFormat } {
  if (!['pretty', 'json', 'markdown', 'html'].includes(o.format)) throw new ReplayUsageError(`--format: expected pretty, json, markdown or html, got "${o.format}"`);
  if (o.provider !== 'auto' && !PROVIDERS.includes(o.provider as ProviderName)) throw new ReplayUsageError(`--provider: expected auto, ${PROVIDERS.join(', ')}, got "${o.provider}"`);
  const rowsFor: Record<string, number> = {};
  for (const item of o.rowsFor ?? []) {
    const m = /^(.+)=(.+)$/.exec(item);
    if (!m) throw new ReplayUsageError(`--rows-for: expected table=N, got "${item}"`);
    rowsFor[m[1].trim()] = count(m[2].trim(), '--rows-for');
  }
  let pgVersion: number | undefined;
  if (o.pgVersion !== undefined) {
    pgVersion = Number(o.pgVersion);
    if (!Number.isInteger(pgVersion) || pgVersion < 10 || pgVersion > 30) throw new ReplayUsageError(`--pg-version: expected a Postgres major version such as 15, got "${o.pgVersion}"`);
  }
  if (o.clone && !o.databaseUrl) throw new ReplayUsageError('--clone needs --database-url');
  if (o.stats && o.statsFrom) throw new ReplayUsageError('--stats and --stats-from: give one (--stats-from is the old form of --stats)');
  if (o.stats && o.clone) throw new ReplayUsageError('--stats with --clone: a cloned database keeps its real rows; leave out one of them');
  let scale = 1;
  if (o.scale !== undefined) {
    if (!o.stats) throw new ReplayUsageError('--scale needs --stats (it scales the snapshot\'s row counts)');
    scale = Number(o.scale);
    if (!/^\s*\d*\.?\d+(e-?\d+)?\s*$/i.test(o.scale) || !(scale > 0) || scale > 1) throw new ReplayUsageError(`--scale: expected a fraction such as 0.1 (0 < F ≤ 1), got "${o.scale}"`);
  }
  let stats: ReplayOptions['stats'];
  if (o.stats) {
    try {
      stats = { snapshot: readSnapshot(o.stats), source: o.stats, scale };
    } catch (err) {
      if (err instanceof SnapshotError) throw new ReplayUsageError(err.message);
      throw err;
    }
  }
  if (paths.length === 0) throw new ReplayUsageError('no migration files given (pass files or directories, in migration order)');
  return {
    paths,
    discover: { pending: o.pending, changedSince: o.changedSince, framework: o.framework, assumeInTransaction: o.assumeInTransaction, config: o.config },
    schema: o.schema,
    rows: count(o.rows, '--rows'),
    rowsFor,
    stats,
    statsFrom: o.statsFrom,
    maxBlockingMs: count(o.maxBlocking, '--max-blocking'),
    simulateLongTransactionMs: o.simulateLongTransaction !== undefined ? count(o.simulateLongTransaction, '--simulate-long-transaction', 1) : undefined,
    assumeInTransaction: !!o.assumeInTransaction,
    strictBase: !!o.strictBase,
    databaseUrl: o.databaseUrl,
    clone: !!o.clone,
    provider: o.provider as ReplayOptions['provider'],
    pgVersion,
    seedCache: o.seedCache !== false,
    format: o.format as ReplayFormat,
  };
}

/**
 * Progress on stderr: on a TTY one status line, rewritten and erased when done; without one (CI logs) a plain
 * `progress:` line once the run has been quiet for `every` ms, and then every `every` ms, so a quick run prints nothing.
 */
export function progressLine(mode: 'tty' | 'lines' | 'off', write: (s: string) => void, every = 10_000, now: () => number = () => performance.now()) {
  let last = '';
  let started = now();
  const t0 = now();
  let printed = now();
  return {
    update(text: string) {
      if (mode === 'off') return;
      if (text !== last) started = now();
      last = text;
      if (mode === 'tty') write(`\r\x1b[2K${text}`);
    },
    tick() {
      if (!last) return;
      if (mode === 'tty') write(`\r\x1b[2K${last} ${((now() - started) / 1000).toFixed(1)} s`);
      else if (mode === 'lines' && now() - printed >= every) {
        printed = now();
        write(`progress: ${last} (${Math.round((printed - t0) / 1000)} s in)\n`);
      }
    },
    clear() {
      if (mode === 'tty') write('\r\x1b[2K');
    },
  };
}

/**
 * `pgsafe replay`: runs the pending migrations on a throwaway, seeded Postgres and measures locks, rewrites, scans
 * and blocking. Output goes to `io`; the exit code (0, 1 findings, 2 usage or internal error) to `exit.code`.
 */
export function registerReplayCommand(program: Command, io: CliIo = processIo(), exit: { code: number } = { code: 0 }): void {
  addCheckRollback(program
    .command('replay')
    .description('run pending migrations on a throwaway Postgres seeded with data; measure locks, rewrites, scans, time and blocking')
    .argument('[paths...]', 'migration files or directories (a directory: every *.sql below it), in migration order')
    .option('--schema <file>', 'base schema to load first (e.g. pg_dump -s output)')
    .option('--pending <glob>', 'the pending migrations (default: the last file); every file after the first match is pending too')
    .option('--changed-since <git-ref>', 'pending = migrations changed since this git ref (as pgsafe lint computes it)')
    .option('--framework <name>', `migration framework (${FRAMEWORKS.join(', ')}): order, sections and transaction mode as it runs them`)
    .option('--config <file>', 'config file (default: pgsafe.config.json found upwards)')
    .option('--no-config', 'ignore config files')
    .option('--rows <N>', 'rows per table', '100000')
    .option('--rows-for <table=N>', 'rows for one table (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--stats <file>', 'a `pgsafe stats` snapshot: seed each table at its row count and report measured against estimated time per statement')
    .option('--scale <F>', 'with --stats: seed F × the snapshot\'s rows (0 < F ≤ 1) when the machine cannot hold them')
    .option('--stats-from <url>', 'deprecated, use --stats: snapshot this database now (read-only) and replay as with --stats')
    .addOption(new Option('-f, --format <format>', 'output format: pretty, json, markdown (with a Mermaid timeline) or html (a self-contained page with the timeline as SVG)').default('pretty'))
    .option('--max-blocking <ms>', 'a statement that blocks reads or writes longer than this is a finding', '1000')
    .option('--simulate-long-transaction <ms>', 'hold a REPEATABLE READ transaction (ACCESS SHARE on the touched tables, and a snapshot) for this long while the migration starts')
    .option('--strict-base', 'stop at the first base (history) statement that fails, instead of skipping it with a warning')
    .addOption(new Option('--skip-failing-base', 'the default now: a failing base statement is skipped with a warning').hideHelp())
    .option('--assume-in-transaction', 'each file runs inside one transaction (as most migration frameworks do)')
    .option('--no-assume-in-transaction', 'each file runs outside a transaction, whatever the config or framework says (as diesel does with run_in_transaction = false)')
    .option('--database-url <url>', 'use this server (a scratch database is created on it and dropped; the given database is never touched)')
    .option('--clone', 'with --database-url: clone the given database (CREATE DATABASE … TEMPLATE) instead of schema + seeding')
    .addOption(new Option('--provider <name>', 'where Postgres comes from: auto, url, testcontainers, local, embedded').default('auto'))
    .option('--pg-version <major>', 'Postgres major version (container image tag, local binaries)')
    .option('--no-seed-cache', 'always seed from scratch (by default a seeded cluster is cached per schema and row settings)')
    .option('--no-progress', 'no progress on stderr (a status line on a terminal, a line every 10 s otherwise)')
    .option('--debug', 'print stack traces of internal errors'))
    .action(async (paths: string[], raw: RawOptions) => {
      exit.code = await runReplayCommand(paths, raw, io);
    });
}

async function runReplayCommand(paths: string[], raw: RawOptions, io: CliIo): Promise<number> {
  const debug = !!raw.debug;
  // The passwords of the URLs given join the secrets every output of pgsafe masks (src/report/mask.ts).
  rememberUrlPasswords([raw.databaseUrl, raw.statsFrom]);
  const err = (s: string) => io.stderr.write(maskSecrets(s));
  const progress = progressLine(!raw.progress ? 'off' : io.stderr.isTTY ? 'tty' : 'lines', err);
  const timer = setInterval(() => progress.tick(), 200);
  timer.unref();
  try {
    const opts = parseReplayOptions(paths, raw);
    if (raw.statsFrom) err('pgsafe replay: --stats-from is deprecated: take the snapshot once with `pgsafe stats --database-url … -o pgsafe-stats.json` and pass `--stats pgsafe-stats.json` (no connection to that database during the replay)\n');
    const { migrations, notes } = await replayMigrations(opts.paths, { ...opts.discover, cwd: io.cwd });
    for (const n of notes) err(`pgsafe replay: ${n}\n`);
    const log = (m: string) => {
      progress.clear();
      err(m + '\n');
    };
    const report = await runReplay({
      ...opts,
      seedCache: opts.seedCache ? io.env.PGSAFE_SEED_CACHE_DIR ?? true : false,
      migrations,
      log,
      onProgress: (p) => {
        if ('table' in p) {
          if (p.phase === 'load') progress.update(`seeding ${p.table}: ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} rows`);
          else if (p.phase !== 'done') progress.update(`seeding: ${p.phase === 'analyze' ? 'vacuum analyze' : `re-adding ${p.phase}`}`);
        } else progress.update(`${p.phase}: ${p.detail}`);
      },
    });
    progress.clear();
    // Ctrl-C: the statement that "failed" was cut off by the shutdown; no report, the signal handler exits.
    if (interrupted()) return 130;
    let out = formatReport(report, opts.format, opts.format === 'pretty' && useColor(io.stdout, io.env));
    let failed = report.findings.some((f) => f.severity === 'error');
    if (raw.checkRollback) {
      progress.update('rollback check: up, down, up again');
      // The same files replay ran, in its order; pending from the first pending one on.
      const rb = await checkRollback({
        paths: migrations.map((m) => m.path), schema: opts.schema, pending: migrations.find((m) => m.pending)?.path, framework: opts.discover.framework as FrameworkName | undefined,
        assumeInTransaction: opts.assumeInTransaction, provider: opts.provider, databaseUrl: opts.databaseUrl, pgVersion: opts.pgVersion, log,
      });
      progress.clear();
      // A pending migration whose rollback could not be checked is not a pass.
      for (const f of rb.files) {
        if (f.skipped && !f.skipped.startsWith('not checked')) rb.findings.push({ path: f.path, line: 1, column: 1, rule: 'rollback-round-trip', severity: 'error', message: `rollback not checked: ${f.skipped}` });
      }
      // JSON stays one document, with the rollback report under `rollback`.
      out = opts.format === 'json' ? mergeRollbackJson(out, rb) : `${out}\n${formatRollback(rb, opts.format)}`;
      failed ||= rollbackExitCode(rb) === 1;
    }
    io.stdout.write(maskSecrets(out));
    return failed ? 1 : 0;
  } catch (e) {
    progress.clear();
    if (interrupted()) return 130;
    const message = oneLine(errorMessage(e));
    if (e instanceof ReplayUsageError) err(`pgsafe replay: ${message}\n`);
    else err(`pgsafe replay: error: ${message}\n`);
    if (debug && e instanceof Error && e.stack) err(e.stack + '\n');
    return 2;
  } finally {
    clearInterval(timer);
  }
}
