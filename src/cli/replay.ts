// `pgsafe replay`: a client of the replay engine. It discovers the migrations as lint does (config, framework
// preset, order, sections, placeholders, --changed-since) and hands them to runReplay.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { rules } from '../../rules/index.js';
import { commonDir, findConfigFile, loadConfig } from '../config/load.js';
import { ConfigResolver } from '../config/resolve.js';
import { frameworks } from '../config/frameworks/index.js';
import { prepareText } from '../config/prepare.js';
import { FRAMEWORKS, type FrameworkName } from '../config/types.js';
import { initParser, readSourceFile } from '../source/index.js';
import { isDownFile } from '../rollback/down.js';
import { addCheckRollback, checkRollback, formatRollback, mergeRollbackJson, rollbackExitCode } from '../rollback/roundtrip.js';
import { formatReport, type ReplayFormat } from '../replay/format.js';
import { splitPending } from '../replay/files.js';
import type { ReplayMigration } from '../replay/migrations.js';
import { PROVIDERS, type ProviderName } from '../replay/providers.js';
import { interrupted } from '../replay/cleanup.js';
import { runReplay, type ReplayOptions } from '../replay/replay.js';
import { errorMessage, maskSecrets, oneLine, ReplayUsageError, urlPassword } from '../replay/util.js';
import { changedSince, resolvePaths, UsageError } from '../project/index.js';
import { readSnapshot, SnapshotError } from '../stats/snapshot.js';

export interface DiscoverOptions {
  pending?: string;
  changedSince?: string;
  framework?: string;
  assumeInTransaction?: boolean;
  /** A config file; false: none (no discovery). */
  config?: string | false;
  cwd?: string;
}

/**
 * The migrations to replay, as `pgsafe lint` reads them: files in the framework's order, down files and
 * non-migrations left out, each prepared by its preset (goose Down blanked, transaction mode) with placeholders.
 */
export async function discoverMigrations(paths: string[], o: DiscoverOptions = {}): Promise<ReplayMigration[]> {
  const cwd = o.cwd ?? process.cwd();
  if (o.framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(o.framework)) {
    throw new ReplayUsageError(`--framework: expected one of ${FRAMEWORKS.join(', ')}, got "${o.framework}"`);
  }
  try {
    let config;
    if (typeof o.config === 'string') config = loadConfig(resolve(cwd, o.config), rules);
    else if (o.config !== false) {
      const found = findConfigFile(commonDir(paths, cwd));
      if (found) config = loadConfig(found, rules);
    }
    const resolver = new ConfigResolver(config, { rules: {}, framework: o.framework as FrameworkName | undefined }, cwd);
    const files = (await resolvePaths(paths, cwd)).filter((f) => {
      const s = resolver.forFile(resolve(cwd, f));
      const preset = s.framework ? frameworks[s.framework] : undefined;
      return resolver.selected(f) && !isDownFile(f, s.framework) && (!preset || preset.isMigration(f));
    });
    const fw = resolver.forFile(resolve(cwd, 'x.sql')).framework;
    const ordered = fw && frameworks[fw].order ? frameworks[fw].order!(files) : files;
    const split = splitPending(ordered, { pending: o.pending, changed: o.changedSince ? changedSince(o.changedSince, cwd) : undefined, changedSince: o.changedSince }, cwd);
    const pending = new Set(split.pending);
    await initParser();
    const out: ReplayMigration[] = [];
    for (const path of ordered) {
      const read = await readSourceFile(path);
      if (!read.ok) throw new ReplayUsageError(read.message);
      const s = resolver.forFile(resolve(cwd, path));
      const prep = prepareText(path, read.text, s, o.assumeInTransaction ? true : undefined);
      out.push({ path, text: prep.text, inTransaction: !!prep.fileOptions.inTransaction, pending: pending.has(path), framework: s.framework });
    }
    return out;
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
    if (!o.stats && !o.statsFrom) throw new ReplayUsageError('--scale needs --stats (it scales the snapshot\'s row counts)');
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
    skipFailingBase: !!o.skipFailingBase,
    databaseUrl: o.databaseUrl,
    clone: !!o.clone,
    provider: o.provider as ReplayOptions['provider'],
    pgVersion,
    seedCache: o.seedCache !== false,
    format: o.format as ReplayFormat,
  };
}

function useColor(): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR !== undefined) return process.env.FORCE_COLOR !== '0' && process.env.FORCE_COLOR !== 'false';
  return !!process.stdout.isTTY;
}

/**
 * Progress on stderr: on a TTY one status line, rewritten and erased when done; without one (CI logs) a plain
 * `progress:` line once the run has been quiet for `every` ms, and then every `every` ms, so a quick run prints nothing.
 */
export function progressLine(mode: 'tty' | 'lines' | 'off', write: (s: string) => void = (s) => process.stderr.write(s), every = 10_000) {
  let last = '';
  let started = performance.now();
  const t0 = performance.now();
  let printed = performance.now();
  return {
    update(text: string) {
      if (mode === 'off') return;
      if (text !== last) started = performance.now();
      last = text;
      if (mode === 'tty') write(`\r\x1b[2K${text}`);
    },
    tick() {
      if (!last) return;
      if (mode === 'tty') write(`\r\x1b[2K${last} ${((performance.now() - started) / 1000).toFixed(1)} s`);
      else if (mode === 'lines' && performance.now() - printed >= every) {
        printed = performance.now();
        write(`progress: ${last} (${Math.round((printed - t0) / 1000)} s in)\n`);
      }
    },
    clear() {
      if (mode === 'tty') write('\r\x1b[2K');
    },
  };
}

/** `pgsafe replay`: runs the pending migrations on a throwaway, seeded Postgres and measures locks, rewrites, scans and blocking. */
export function registerReplayCommand(program: Command): void {
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
    .option('--skip-failing-base', 'a base migration that fails is noted and skipped instead of stopping (histories with Go or other non-SQL steps)')
    .option('--assume-in-transaction', 'each file runs inside one transaction (as most migration frameworks do)')
    .option('--database-url <url>', 'use this server (a scratch database is created on it and dropped; the given database is never touched)')
    .option('--clone', 'with --database-url: clone the given database (CREATE DATABASE … TEMPLATE) instead of schema + seeding')
    .addOption(new Option('--provider <name>', 'where Postgres comes from: auto, url, testcontainers, local, embedded').default('auto'))
    .option('--pg-version <major>', 'Postgres major version (container image tag, local binaries)')
    .option('--no-seed-cache', 'always seed from scratch (by default a seeded cluster is cached per schema and row settings)')
    .option('--no-progress', 'no progress on stderr (a status line on a terminal, a line every 10 s otherwise)')
    .option('--debug', 'print stack traces of internal errors'))
    .action(async (paths: string[], raw: RawOptions) => {
      const debug = !!raw.debug || process.argv.includes('--debug');
      const secrets = [raw.databaseUrl, raw.statsFrom].filter(Boolean).map((u) => urlPassword(u!) ?? '');
      const progress = progressLine(!raw.progress ? 'off' : process.stderr.isTTY ? 'tty' : 'lines');
      const timer = setInterval(() => progress.tick(), 200);
      timer.unref();
      try {
        const opts = parseReplayOptions(paths, raw);
        if (raw.statsFrom) process.stderr.write('pgsafe replay: --stats-from is deprecated: take the snapshot once with `pgsafe stats --database-url … -o pgsafe-stats.json` and pass `--stats pgsafe-stats.json` (no connection to that database during the replay)\n');
        const migrations = await discoverMigrations(opts.paths, opts.discover);
        const report = await runReplay({
          ...opts,
          migrations,
          log: (m) => {
            progress.clear();
            process.stderr.write(maskSecrets(m, secrets) + '\n');
          },
          onProgress: (p) => {
            if ('table' in p) {
              if (p.phase === 'load') progress.update(`seeding ${p.table}: ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} rows`);
              else if (p.phase !== 'done') progress.update(`seeding: ${p.phase === 'analyze' ? 'vacuum analyze' : `re-adding ${p.phase}`}`);
            } else progress.update(`${p.phase}: ${maskSecrets(p.detail, secrets)}`);
          },
        });
        progress.clear();
        // Ctrl-C: the statement that "failed" was cut off by the shutdown; no report, the signal handler exits.
        if (interrupted()) return;
        let out = formatReport(report, opts.format, opts.format === 'pretty' && useColor());
        let failed = report.findings.some((f) => f.severity === 'error');
        if (raw.checkRollback) {
          progress.update('rollback check: up, down, up again');
          // The same files replay ran, in its order; pending from the first pending one on.
          const rb = await checkRollback({
            paths: migrations.map((m) => m.path), schema: opts.schema, pending: migrations.find((m) => m.pending)?.path, framework: opts.discover.framework as FrameworkName | undefined,
            assumeInTransaction: opts.assumeInTransaction, provider: opts.provider, databaseUrl: opts.databaseUrl, pgVersion: opts.pgVersion,
            log: (m) => { progress.clear(); process.stderr.write(maskSecrets(m, secrets) + '\n'); },
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
        process.stdout.write(out);
        process.exitCode = failed ? 1 : 0;
      } catch (err) {
        progress.clear();
        if (interrupted()) return;
        const message = maskSecrets(oneLine(errorMessage(err)), secrets);
        if (err instanceof ReplayUsageError) process.stderr.write(`pgsafe replay: ${message}\n`);
        else process.stderr.write(`pgsafe replay: error: ${message}\n`);
        if (debug && err instanceof Error && err.stack) process.stderr.write(maskSecrets(err.stack, secrets) + '\n');
        process.exitCode = 2;
      } finally {
        clearInterval(timer);
      }
    });
}
