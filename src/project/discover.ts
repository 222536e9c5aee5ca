// Finds what to lint and what feeds its schema: config file, paths, framework presets, placeholders,
// --changed-since / --staged, and each named file's history (the migrations that run before it).
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { RuleSetting } from '../engine/engine.js';
import type { Rule } from '../engine/rule.js';
import { initParser } from '../source/index.js';
import { decodeSource, readSourceFile } from '../source/read.js';
import { commonDir, findConfigFile, loadConfig } from '../config/load.js';
import { ConfigResolver, type FileSettings } from '../config/resolve.js';
import { frameworks } from '../config/frameworks/index.js';
import { prepareText, type PreparedText } from '../config/prepare.js';
import { markerNotes } from '../source/markers.js';
import { FRAMEWORKS, type FrameworkName, type LoadedConfig } from '../config/types.js';
import { UsageError } from './errors.js';
import { compareMigrations, resolvePaths } from './files.js';
import { changedSince, readStaged, stagedFiles, untrackedFiles } from './git.js';
import { inSeries, migrationRoot, upMigrationOf } from './layout.js';

export const DEFAULT_PG_VERSION = 15;

export interface DiscoverOptions {
  rules: readonly Rule[];
  cwd?: string;
  /** A config file path; false skips discovery; undefined looks for one walking up from the paths. */
  config?: string | false;
  framework?: string;
  pgVersion?: number;
  /** From the command line: wins over the framework and the config. */
  assumeInTransaction?: boolean;
  /** Rule severities from the command line, over the config's. */
  ruleSettings?: Record<string, RuleSetting>;
  changedSince?: string;
  staged?: boolean;
  /** The content of `-`, already read. */
  stdin?: Buffer;
  stdinFilename?: string;
  /** Globs (relative to cwd) of files never linted nor read (squawk's --exclude-path). */
  excludePaths?: string[];
  /** Named files get the migrations that run before them as schema history (default true). */
  history?: boolean;
}

/** One file of the set, ready for the engine. */
export interface MigrationFile {
  path: string;
  /** The file as written (undefined when it could not be read as text: see `error`). */
  original?: string;
  error?: string;
  /** Linted and reported; false: history, it only feeds the schema model. */
  lint: boolean;
  /** Not applied yet (changed since the ref, or staged). */
  pending: boolean;
  /** Framework semantics and placeholders applied. */
  prepared?: PreparedText;
  settings: FileSettings;
}

export interface MigrationSet {
  cwd: string;
  config?: LoadedConfig;
  resolver: ConfigResolver;
  /** The project's framework (the flag, else the config's); files may override it. */
  framework?: FrameworkName;
  pgVersion: number;
  assumeInTransaction: boolean;
  /** In run order: history first, each file before the ones it runs before. */
  files: MigrationFile[];
  /** For stderr: named files the config or framework skips. */
  notes: string[];
}

const GLOB = /[*?[\]{}]/;

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Works out what to lint and in which order: everything short of running the engine. */
export async function discoverMigrations(paths: string[], o: DiscoverOptions): Promise<MigrationSet> {
  const cwd = o.cwd ?? process.cwd();
  if (o.framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(o.framework)) {
    throw new UsageError(`--framework: expected one of ${FRAMEWORKS.join(', ')}, got "${o.framework}"`);
  }
  if (o.staged && o.changedSince) throw new UsageError('--staged and --changed-since cannot be combined');

  const filePaths = paths.filter((p) => p !== '-');
  let config: LoadedConfig | undefined;
  if (typeof o.config === 'string') config = loadConfig(resolve(cwd, o.config), o.rules);
  else if (o.config !== false) {
    const found = findConfigFile(filePaths.length ? commonDir(filePaths, cwd) : cwd);
    if (found) config = loadConfig(found, o.rules);
  }
  const resolver = new ConfigResolver(config, { rules: o.ruleSettings, framework: o.framework as FrameworkName | undefined }, cwd);
  const base = resolver.forFile(resolve(cwd, 'x.sql'));
  const pgVersion = o.pgVersion ?? resolver.pgVersion ?? DEFAULT_PG_VERSION;

  const changed = o.staged ? stagedFiles(cwd) : o.changedSince ? changedSince(o.changedSince, cwd) : undefined;
  const untracked = o.staged ? untrackedFiles(cwd) : undefined;
  const excluded = o.excludePaths?.length ? picomatch(o.excludePaths.map((g) => g.replace(/^\.\//, '')), { dot: true }) : undefined;
  const isExcluded = (f: string) => !!excluded && (excluded(relative(cwd, resolve(cwd, f)).split('\\').join('/')) || excluded(f));

  // What to look through: the paths given, else the config's include, else the sets the changed files belong to.
  let searchPaths = filePaths;
  if (paths.length === 0) {
    if (resolver.includeGlobs) searchPaths = resolver.includeGlobs;
    else if (changed) {
      searchPaths = [...new Set([...changed].filter((p) => /\.sql$/i.test(p)).map((p) => relative(cwd, migrationRoot(p, resolver.forFile(p).framework)) || '.'))];
    } else throw new UsageError('no paths given (pass files, directories, globs, or - for stdin; or set "include" in pgsafe.config.json)');
  }

  const notes: string[] = [];
  const explicit = new Set(filePaths.filter((p) => !GLOB.test(p)).map((p) => resolve(cwd, p)));
  const keep = (f: string, quiet: boolean): boolean => {
    const said = !quiet && explicit.has(resolve(cwd, f));
    if (isExcluded(f)) return false;
    if (!resolver.selected(f)) {
      if (said) notes.push(`${f}: skipped, excluded by ${relative(cwd, config!.path) || config!.path}`);
      return false;
    }
    const preset = resolver.forFile(f).framework;
    if (preset && !frameworks[preset].isMigration(f)) {
      if (said) notes.push(`${f}: skipped, not a ${frameworks[preset].label} migration`);
      return false;
    }
    return true;
  };
  const found = searchPaths.length ? await resolvePaths(searchPaths, cwd, notes) : [];
  let kept = found.filter((f) => keep(f, false));
  // A directory, glob or include that yields nothing to lint is a wrong path, not a clean run (CI must not go green).
  // Files named one by one may all be skipped: a pre-commit hook passes whatever changed.
  const mustMatch = paths.length ? searchPaths.some((p) => GLOB.test(p) || isDirectory(resolve(cwd, p))) : !!resolver.includeGlobs;
  if (mustMatch && found.length > 0 && kept.length === 0) {
    const what = base.framework ? `${frameworks[base.framework].label} migrations` : 'migrations';
    throw new UsageError(`no ${what} to lint in ${searchPaths.join(', ')} (${found.length} .sql file${found.length === 1 ? '' : 's'} found, all skipped by the config or framework)`);
  }
  if (mustMatch && found.length === 0) {
    throw new UsageError(`no .sql files in ${filePaths.join(', ')}`);
  }

  // A named file of a migration series gets its history: the set's earlier migrations feed its schema, as when
  // the whole directory is linted (pre-commit and editors pass one file; Prisma and diesel keep one per directory).
  const history = new Set<string>();
  if (o.history !== false && !resolver.includeGlobs) {
    const targets = changed ? kept.filter((f) => changed.has(resolve(cwd, f))) : kept.filter((f) => explicit.has(resolve(cwd, f)));
    const byRoot = new Map<string, string[]>();
    for (const t of targets) {
      const fw = resolver.forFile(t).framework;
      if (!inSeries(t, fw)) continue;
      const root = migrationRoot(t, fw);
      byRoot.set(root, [...(byRoot.get(root) ?? []), t]);
    }
    const known = new Set(kept.map((f) => resolve(cwd, f)));
    for (const [root, ts] of byRoot) {
      const last = ts.reduce((a, b) => (compareMigrations(resolve(cwd, a), resolve(cwd, b)) >= 0 ? a : b));
      const ups = new Set(ts.map((t) => upMigrationOf(resolve(cwd, t), resolver.forFile(t).framework)).filter((u): u is string => !!u).map((u) => resolve(u)));
      let siblings: string[];
      try {
        siblings = await resolvePaths([root], cwd);
      } catch {
        continue;
      }
      for (const f of siblings) {
        const abs = resolve(cwd, f);
        if (known.has(abs) || ups.has(abs) || compareMigrations(abs, resolve(cwd, last)) >= 0 || !keep(f, true)) continue;
        known.add(abs);
        history.add(f);
      }
    }
    if (history.size) kept = [...history, ...kept].sort((a, b) => compareMigrations(resolve(cwd, a), resolve(cwd, b)));
  }
  const order = base.framework ? frameworks[base.framework].order : undefined;
  const ordered = order ? order(kept) : kept;

  await initParser();
  const files: MigrationFile[] = [];
  const add = (path: string, text: string, lint: boolean, pending: boolean) => {
    const settings = resolver.forFile(path);
    for (const n of markerNotes(text, settings.framework)) notes.push(`${path}: ${n}`);
    files.push({ path, original: text, lint, pending, settings, prepared: prepareText(path, text, settings, o.assumeInTransaction) });
  };
  const addError = (path: string, error: string) => files.push({ path, error, lint: true, pending: false, settings: resolver.forFile(path) });

  if (paths.includes('-')) {
    const decoded = decodeSource(o.stdin ?? Buffer.alloc(0));
    const name = o.stdinFilename ?? '<stdin>';
    if (decoded.ok) add(name, decoded.text, true, false);
    else addError(name, decoded.message);
  }
  for (const f of ordered) {
    const abs = resolve(cwd, f);
    const lintIt = !history.has(f) && (!changed || changed.has(abs));
    if (!lintIt && untracked?.has(abs)) continue;
    if (o.staged && lintIt) {
      const decoded = decodeSource(readStaged(abs, cwd));
      if (decoded.ok) add(f, decoded.text, true, true);
      else addError(f, decoded.message);
      continue;
    }
    const r = await readSourceFile(abs);
    if (!r.ok && r.unreadable) throw new UsageError(r.message.replace(abs, f));
    if (r.ok) add(f, r.text, lintIt, !!changed && lintIt);
    else if (lintIt) addError(f, r.message);
  }

  return { cwd, config, resolver, framework: base.framework, pgVersion, assumeInTransaction: o.assumeInTransaction ?? base.assumeInTransaction ?? false, files, notes };
}

/**
 * A set of one file whose text is given (an editor buffer): settings from `resolver`, no history read (the
 * caller passes the schema the earlier migrations leave, see `lintProject`'s `schema`).
 */
export function bufferSet(path: string, text: string, o: { resolver: ConfigResolver; settings?: FileSettings; pgVersion: number; assumeInTransaction: boolean; cwd?: string }): MigrationSet {
  const settings = o.settings ?? o.resolver.forFile(path);
  const file: MigrationFile = { path, original: text, lint: true, pending: false, settings, prepared: prepareText(path, text, settings) };
  return { cwd: o.cwd ?? process.cwd(), resolver: o.resolver, framework: settings.framework, pgVersion: o.pgVersion, assumeInTransaction: o.assumeInTransaction, files: [file], notes: [] };
}
