// `pgsafe lint`: flags → a migration set (src/project) → the report, written through the command's streams.
import { appendFileSync } from 'node:fs';
import { rules } from '../../rules/index.js';
import { ruleIds, rulesNamed, type FileResult, type RuleSetting } from '../engine/engine.js';
import { reporters, summarize, type Reporter } from '../report/index.js';
import { renderMarkdown, MARKDOWN_LIMIT } from '../report/markdown.js';
import { ciRoot } from '../report/paths.js';
import { DEFAULT_PG_VERSION, discoverMigrations, lintProject, UsageError, type MigrationSet } from '../project/index.js';
import { readAll, useColor, type CliIo } from './io.js';
import { statsOption, withStats } from './stats.js';

export { DEFAULT_PG_VERSION };

export interface LintCliOptions {
  /** Undefined: pretty, or GitHub annotations too when running in GitHub Actions. */
  format?: string;
  /** squawk's name for --format. */
  reporter?: string;
  pgVersion?: string;
  assumeInTransaction?: boolean;
  enable?: string;
  disable?: string;
  /** squawk's names for --enable and --disable. */
  include?: string;
  exclude?: string;
  /** Globs of files never to lint (squawk's --exclude-path). */
  excludePath?: string[];
  failOn: string;
  stdinFilename?: string;
  debug?: boolean;
  /** A config file path; false (`--no-config`) skips discovery. */
  config?: string | false;
  framework?: string;
  changedSince?: string;
  staged?: boolean;
  /** Internal, not a flag: the content of `-`, already read (--fix lints it again after each pass). */
  stdin?: Buffer;
  /** A `pgsafe stats` snapshot: findings gain size, traffic and estimated blocking (see src/stats). */
  stats?: string;
  statsThreshold?: string;
}

/** How the report is written: chosen from the flags before anything is read. */
export interface ReportPlan {
  reporter: Reporter;
  formatName: string;
  /** The format was left at its default inside GitHub Actions: pretty output plus annotations. */
  githubAuto: boolean;
}

/** squawk's reporter names. */
const FORMAT_ALIASES: Record<string, string> = { tty: 'pretty' };

export function reportPlan(o: LintCliOptions, env: CliIo['env']): ReportPlan {
  if (o.format !== undefined && o.reporter !== undefined && o.format !== o.reporter) throw new UsageError('--format and --reporter name the same setting: give one');
  const given = o.format ?? o.reporter;
  const formatName = given === undefined ? 'pretty' : FORMAT_ALIASES[given.toLowerCase()] ?? given.toLowerCase();
  const reporter = reporters[formatName];
  if (!reporter) throw new UsageError(`--format: unknown format "${given}" (one of ${Object.keys(reporters).join(', ')})`);
  if (!['error', 'warning', 'never'].includes(o.failOn)) throw new UsageError(`--fail-on: expected error, warning or never, got "${o.failOn}"`);
  return { reporter, formatName, githubAuto: given === undefined && env.GITHUB_ACTIONS === 'true' };
}

function parseIdList(value: string | undefined, flag: string): string[] {
  if (!value) return [];
  const known = ruleIds(rules);
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!known.has(id)) throw new UsageError(`${flag}: unknown rule "${id}" (see \`pgsafe rules\`)`);
  return ids;
}

export function parsePgVersion(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 9 || n > 30) throw new UsageError(`--pg-version: expected a Postgres major version such as 15, got "${v}"`);
  return n;
}

/** The migration set the flags and paths select (stdin read through `io` unless already given). */
export async function discover(paths: string[], o: LintCliOptions, io: CliIo): Promise<MigrationSet> {
  const cliRules: Record<string, RuleSetting> = {};
  // An alias may name several rules (squawk's require-timeout-settings names both timeout rules): all of them.
  for (const id of [...parseIdList(o.enable, '--enable'), ...parseIdList(o.include, '--include')]) for (const r of rulesNamed(rules, id)) cliRules[r.meta.id] = r.meta.defaultSeverity;
  for (const id of [...parseIdList(o.disable, '--disable'), ...parseIdList(o.exclude, '--exclude')]) for (const r of rulesNamed(rules, id)) cliRules[r.meta.id] = 'off';
  const stdin = paths.includes('-') ? o.stdin ?? (await readAll(io.stdin)) : undefined;
  return discoverMigrations(paths, {
    rules,
    cwd: io.cwd,
    config: o.config,
    framework: o.framework,
    pgVersion: o.pgVersion !== undefined ? parsePgVersion(o.pgVersion) : undefined,
    assumeInTransaction: o.assumeInTransaction,
    ruleSettings: cliRules,
    changedSince: o.changedSince,
    staged: o.staged,
    stdin,
    stdinFilename: o.stdinFilename,
    excludePaths: o.excludePath,
  });
}

/** Lints what the flags select and writes the report; returns the exit code. */
export async function runLint(paths: string[], o: LintCliOptions, io: CliIo): Promise<number> {
  const plan = reportPlan(o, io.env);
  const set = await discover(paths, o, io);
  const stats = statsOption(o, set.config, io.cwd);
  // A report needs findings and text only; --stats reads the analysed statements (sizes, estimates).
  const result = await lintProject(set, { rules, retain: stats ? 'all' : 'findings' });
  const files = withStats(result.files, stats);
  writeReport(plan, files, result.notes, io);
  return exitCode(files, o.failOn);
}

/** Prints the report; in GitHub Actions also annotations and the job summary. */
export function writeReport(plan: ReportPlan, results: FileResult[], notes: string[], io: CliIo): void {
  const input = { files: results, rules, color: useColor(io.stdout, io.env), cwd: io.cwd, env: io.env };
  io.stdout.write(plan.reporter(input));
  if (plan.githubAuto) io.stdout.write(reporters.github(input));
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile && (plan.githubAuto || plan.formatName === 'github')) {
    try {
      appendFileSync(summaryFile, renderMarkdown(results, ciRoot(io.cwd, io.env), MARKDOWN_LIMIT) + '\n');
    } catch (err) {
      io.stderr.write(`pgsafe: cannot write the job summary to ${summaryFile}: ${(err as Error).message}\n`);
    }
  }
  for (const n of notes) io.stderr.write(`pgsafe: ${n}\n`);
}

export function exitCode(results: FileResult[], failOn: string): number {
  if (failOn === 'never') return 0;
  const s = summarize(results);
  return s.errors > 0 || (failOn === 'warning' && s.warnings > 0) ? 1 : 0;
}
