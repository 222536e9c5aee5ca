// The lint command's plumbing between the command line and the engine: config
// file, paths, framework presets, placeholders, --changed-since / --staged,
// and where the report goes.
import { appendFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { rules } from '../../rules/index.js';
import { ruleIds, type FileResult, type LintInput, type LintOptions, type RuleSetting } from '../engine/engine.js';
import { initParser } from '../source/index.js';
import { decodeSource, InputTooLarge, readCapped, readSourceFile } from '../source/read.js';
import { markerNotes } from '../source/markers.js';
import { reporters, summarize, type Reporter } from '../report/index.js';
import { renderMarkdown, MARKDOWN_LIMIT } from '../report/markdown.js';
import { ciRoot } from '../report/paths.js';
import { commonDir, findConfigFile, loadConfig } from '../config/load.js';
import { ConfigResolver } from '../config/resolve.js';
import { frameworks } from '../config/frameworks/index.js';
import { prepareText, remapResult, type PreparedText } from '../config/prepare.js';
import { substitutePlaceholders } from '../config/placeholders.js';
import { FRAMEWORKS, type FrameworkName, type LoadedConfig } from '../config/types.js';
import { resolvePaths, UsageError } from './files.js';
import { changedSince, readStaged, stagedFiles, untrackedFiles } from './git.js';

export const DEFAULT_PG_VERSION = 15;

export interface LintCliOptions {
  /** Undefined: pretty, or GitHub annotations too when running in GitHub Actions. */
  format?: string;
  pgVersion?: string;
  assumeInTransaction?: boolean;
  enable?: string;
  disable?: string;
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
}

export interface LintPlan {
  inputs: LintInput[];
  options: LintOptions;
  /** Maps the engine's results back to the files' own text and keeps only the linted files. */
  finish(results: FileResult[]): FileResult[];
  /** Substitutes placeholders in the down migrations `withRollback` attached (`LintInput.rollback`); `finish` maps their results back. */
  prepareRollback(inputs: LintInput[]): LintInput[];
  reporter: Reporter;
  /** The format was left at its default inside GitHub Actions: pretty output plus annotations. */
  githubAuto: boolean;
  formatName: string;
  config?: LoadedConfig;
  /** Notes for stderr (files skipped by the config or framework). */
  notes: string[];
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

/** The content of `-`, up to the input size limit (past it: a usage error naming the limit). */
export async function readStdin(): Promise<Buffer> {
  try {
    return await readCapped(process.stdin, 'stdin');
  } catch (err) {
    if (err instanceof InputTooLarge) throw new UsageError(err.message);
    throw err;
  }
}

/** Works out what to lint and how: everything short of running the engine. */
export async function planLint(paths: string[], o: LintCliOptions, cwd = process.cwd()): Promise<LintPlan> {
  const formatName = o.format ?? 'pretty';
  const reporter = reporters[formatName];
  if (!reporter) throw new UsageError(`--format: unknown format "${formatName}" (one of ${Object.keys(reporters).join(', ')})`);
  const githubAuto = o.format === undefined && process.env.GITHUB_ACTIONS === 'true';
  if (!['error', 'warning', 'never'].includes(o.failOn)) throw new UsageError(`--fail-on: expected error, warning or never, got "${o.failOn}"`);
  if (o.framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(o.framework)) {
    throw new UsageError(`--framework: expected one of ${FRAMEWORKS.join(', ')}, got "${o.framework}"`);
  }
  if (o.staged && o.changedSince) throw new UsageError('--staged and --changed-since cannot be combined');

  const cliRules: Record<string, RuleSetting> = {};
  for (const id of parseIdList(o.enable, '--enable')) {
    const r = ruleIds(rules).get(id)!;
    cliRules[r.meta.id] = r.meta.defaultSeverity;
  }
  for (const id of parseIdList(o.disable, '--disable')) cliRules[ruleIds(rules).get(id)!.meta.id] = 'off';

  const filePaths = paths.filter((p) => p !== '-');
  let config: LoadedConfig | undefined;
  if (typeof o.config === 'string') config = loadConfig(resolve(cwd, o.config), rules);
  else if (o.config !== false) {
    const found = findConfigFile(filePaths.length ? commonDir(filePaths, cwd) : cwd);
    if (found) config = loadConfig(found, rules);
  }
  const resolver = new ConfigResolver(config, { rules: cliRules, framework: o.framework as FrameworkName | undefined }, cwd);
  const pgVersion = o.pgVersion !== undefined ? parsePgVersion(o.pgVersion) : resolver.pgVersion ?? DEFAULT_PG_VERSION;

  const changed = o.staged ? stagedFiles(cwd) : o.changedSince ? changedSince(o.changedSince, cwd) : undefined;
  const untracked = o.staged ? untrackedFiles(cwd) : undefined;
  let searchPaths = filePaths;
  if (paths.length === 0) {
    if (resolver.includeGlobs) searchPaths = resolver.includeGlobs;
    else if (changed) {
      // The directories holding the changed migrations, so earlier files there still feed the schema model.
      searchPaths = [...new Set([...changed].filter((p) => /\.sql$/i.test(p)).map((p) => relative(cwd, dirname(p)) || '.'))];
      if (searchPaths.length === 0) searchPaths = [];
    } else throw new UsageError('no paths given (pass files, directories, globs, or - for stdin; or set "include" in pgsafe.config.json)');
  }

  const notes: string[] = [];
  const found = searchPaths.length ? await resolvePaths(searchPaths, cwd, notes) : [];
  const explicit = new Set(filePaths.filter((p) => !/[*?[\]{}]/.test(p)).map((p) => resolve(cwd, p)));
  const kept = found.filter((f) => {
    const s = resolver.forFile(f);
    const preset = s.framework ? frameworks[s.framework] : undefined;
    if (!resolver.selected(f)) {
      if (explicit.has(resolve(cwd, f))) notes.push(`${f}: skipped, excluded by ${relative(cwd, config!.path) || config!.path}`);
      return false;
    }
    if (preset && !preset.isMigration(f)) {
      if (explicit.has(resolve(cwd, f))) notes.push(`${f}: skipped, not a ${preset.label} migration`);
      return false;
    }
    return true;
  });
  const base = resolver.forFile(resolve(cwd, 'x.sql')).framework;
  const ordered = base && frameworks[base].order ? frameworks[base].order!(kept) : kept;

  await initParser();
  const inputs: LintInput[] = [];
  const prepared: { original: string; prep: PreparedText }[] = [];
  const add = (path: string, text: string, lint: boolean, pending: boolean) => {
    const s = resolver.forFile(path);
    const prep = prepareText(path, text, s, o.assumeInTransaction);
    for (const n of markerNotes(text, s.framework)) notes.push(`${path}: ${n}`);
    const input: LintInput = { path, text: prep.text, fileOptions: { ...prep.fileOptions, ...(pending ? { pending: true } : {}) } };
    if (!lint) input.lint = false;
    if (Object.keys(s.rules).length) input.ruleSettings = s.rules;
    inputs.push(input);
    prepared.push({ original: text, prep });
  };
  const addError = (path: string, error: string) => {
    inputs.push({ path, error });
    prepared.push({ original: '', prep: { text: '', fileOptions: {}, substitution: { text: '', replacements: [], toOriginal: (x) => x, touches: () => false } } });
  };

  if (paths.includes('-')) {
    const decoded = decodeSource(o.stdin ?? (await readStdin()));
    const name = o.stdinFilename ?? '<stdin>';
    if (decoded.ok) add(name, decoded.text, true, false);
    else addError(name, decoded.message);
  }
  for (const f of ordered) {
    const abs = resolve(cwd, f);
    const lintIt = !changed || changed.has(abs);
    if (!lintIt && untracked?.has(abs)) continue;
    if (o.staged && lintIt) {
      const decoded = decodeSource(readStaged(abs, cwd));
      if (decoded.ok) add(f, decoded.text, true, true);
      else addError(f, decoded.message);
      continue;
    }
    const r = await readSourceFile(f);
    if (!r.ok && r.unreadable) throw new UsageError(r.message);
    if (r.ok) add(f, r.text, lintIt, !!changed && lintIt);
    else if (lintIt) addError(f, r.message);
  }

  const options: LintOptions = { rules, pgVersion, assumeInTransaction: o.assumeInTransaction ?? resolver.forFile(resolve(cwd, 'x.sql')).assumeInTransaction ?? false, ruleSettings: {} };
  const rollbackPrepared = new Map<number, { original: string; prep: PreparedText }>();
  const prepareRollback = (withDown: LintInput[]): LintInput[] =>
    withDown.map((input, i) => {
      const substitute = (path: string, text: string) => {
        const s = resolver.forFile(path);
        return substitutePlaceholders(text, s.placeholders, { flyway: s.framework === 'flyway' });
      };
      let out = input;
      // The down migration rules compare with the up (`ctx.down`): the same values as the up file.
      if (input.down?.text !== undefined) {
        const sub = substitute(input.down.path, input.down.text);
        if (sub.replacements.length) out = { ...out, down: { ...input.down, text: sub.text } };
      }
      const down = input.rollback;
      if (!down || down.text === undefined) return out;
      const substitution = substitute(down.path, down.text);
      if (substitution.replacements.length === 0) return out;
      rollbackPrepared.set(i, { original: down.text, prep: { text: substitution.text, fileOptions: down.fileOptions ?? {}, substitution } });
      return { ...out, rollback: { ...down, text: substitution.text } };
    });
  const finish = (results: FileResult[]): FileResult[] => {
    const out: FileResult[] = [];
    results.forEach((r, i) => {
      const input = inputs[i];
      if (!input || input.lint === false) return;
      const down = rollbackPrepared.get(i);
      if (r.rollback && down) r = { ...r, rollback: remapResult(r.rollback, down.original, down.prep, ruleSeverity('syntax-error', input.ruleSettings)) };
      // Inputs added after planning (rollback paths) have no prepared entry: keep them as they are.
      const p = prepared[i];
      if (!p || input.text === undefined) { out.push(r); return; }
      const sev = ruleSeverity('syntax-error', input.ruleSettings);
      out.push(remapResult(r, p.original, p.prep, sev));
    });
    return out;
  };
  return { inputs, options, finish, prepareRollback, reporter, githubAuto, formatName, config, notes };
}

function ruleSeverity(id: string, settings: Record<string, RuleSetting> | undefined): 'error' | 'warning' | 'info' | undefined {
  const s = settings?.[id];
  if (s === 'off') return undefined;
  if (s) return s;
  const r = ruleIds(rules).get(id);
  return r ? r.meta.defaultSeverity : 'error';
}

/** Prints the report; in GitHub Actions also annotations and the job summary. */
export function writeReport(plan: LintPlan, results: FileResult[], color: boolean, cwd = process.cwd()): void {
  const input = { files: results, rules, color, cwd };
  process.stdout.write(plan.reporter(input));
  if (plan.githubAuto) process.stdout.write(reporters.github(input));
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile && (plan.githubAuto || plan.formatName === 'github')) {
    try {
      appendFileSync(summaryFile, renderMarkdown(results, ciRoot(cwd), MARKDOWN_LIMIT) + '\n');
    } catch (err) {
      process.stderr.write(`pgsafe: cannot write the job summary to ${summaryFile}: ${(err as Error).message}\n`);
    }
  }
  for (const n of plan.notes) process.stderr.write(`pgsafe: ${n}\n`);
}

export function exitCode(results: FileResult[], failOn: string): number {
  if (failOn === 'never') return 0;
  const s = summarize(results);
  return s.errors > 0 || (failOn === 'warning' && s.warnings > 0) ? 1 : 0;
}
