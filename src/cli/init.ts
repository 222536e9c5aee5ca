import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_NAMES } from '../config/load.js';
import { frameworks } from '../config/frameworks/index.js';
import { FRAMEWORKS } from '../config/types.js';
import { rules } from '../../rules/index.js';
import { UsageError } from '../project/errors.js';
import { findMigrationDirs } from './init-detect.js';
import { convertSquawk, parseSquawkToml } from './squawk-config.js';
import { DEFAULT_PG_VERSION, parsePgVersion } from './run.js';

export const CONFIG_SCHEMA_URL = 'https://raw.githubusercontent.com/pgsafe/pgsafe/main/schema/pgsafe.config.schema.json';

export interface InitOptions {
  hook?: boolean;
  force?: boolean;
  framework?: string;
  pgVersion?: string;
  /** `.squawk.toml` to convert: true for the one in this directory or a parent up to the repository root. */
  fromSquawk?: boolean | string;
}

export const HOOK_MARKER = '# pgsafe: lint staged SQL migrations';

/**
 * The pre-commit hook. It starts no Node process unless SQL files are staged, runs the project's own pgsafe
 * (node_modules/.bin), else one on PATH, else `fallback` (the pgsafe that wrote the hook, for .git/hooks only);
 * with none of them it says so and lets the commit through rather than blocking every commit.
 */
export function hookScript(fallback?: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    `${HOOK_MARKER} (written by \`pgsafe init --hook\`)`,
    "git diff --cached --quiet --diff-filter=ACMR -- ':(icase)*.sql' && exit 0",
    'root=$(git rev-parse --show-toplevel)',
    'if [ -x "$root/node_modules/.bin/pgsafe" ]; then exec "$root/node_modules/.bin/pgsafe" lint --staged; fi',
    'if command -v pgsafe >/dev/null 2>&1; then exec pgsafe lint --staged; fi',
    ...(fallback ? [`if [ -f ${q(fallback)} ] && command -v node >/dev/null 2>&1; then exec node ${q(fallback)} lint --staged; fi`] : []),
    'echo "pgsafe: not installed, so the staged migrations were NOT linted (npm install --save-dev pgsafe)" >&2',
    '',
  ].join('\n');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The bin/pgsafe.js this process runs from (through npx's or a global install's symlink), if it is one. */
function selfBin(): string | undefined {
  const arg = process.argv[1];
  if (!arg) return undefined;
  try {
    const real = realpathSync(arg);
    return /[\\/]bin[\\/]pgsafe\.js$/.test(real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/** The starter config: the Postgres version, the framework and where the migrations are, when they can be told. */
export function starterConfig(cwd: string, o: InitOptions): { config: Record<string, unknown>; notes: string[] } {
  const notes: string[] = [];
  const config: Record<string, unknown> = { $schema: CONFIG_SCHEMA_URL, pgVersion: o.pgVersion ? parsePgVersion(o.pgVersion) : DEFAULT_PG_VERSION };
  const found = findMigrationDirs(cwd).filter((f) => !o.framework || !f.framework || f.framework === o.framework);
  const best = found[0];
  const framework = o.framework ?? best?.framework;
  if (framework) config.framework = framework;
  if (best) {
    config.include = [best.dir === '.' ? '**/*.sql' : `${best.dir}/**/*.sql`];
    notes.push(`found ${best.count} migrations in ${best.dir}${best.framework ? ` (${frameworks[best.framework].label}: ${best.evidence})` : ''}`);
    for (const other of found.slice(1, 4)) notes.push(`also found ${other.count} in ${other.dir}${other.framework ? ` (${frameworks[other.framework].label})` : ''}: add it to "include" if it belongs to the same database`);
  } else notes.push('no migrations directory found: set "include" in the config, or pass paths to `pgsafe lint`');
  config.exclude = [];
  config.rules = {};
  return { config, notes };
}

function squawkFile(cwd: string, given: boolean | string): string {
  if (typeof given === 'string') {
    const p = resolve(cwd, given);
    if (!existsSync(p)) throw new UsageError(`--from-squawk: ${given} not found`);
    return p;
  }
  let top = cwd;
  try {
    top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a repository: look in this directory only
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.squawk.toml'))) return join(dir, '.squawk.toml');
    if (dir === top || dirname(dir) === dir || !dir.startsWith(top)) break;
  }
  throw new UsageError('--from-squawk: no .squawk.toml in this directory or its parents (give its path: --from-squawk path/to/.squawk.toml)');
}

/** Where git runs hooks from: husky's `.husky/` when the project uses husky, else `git rev-parse --git-path hooks` (honours core.hooksPath). */
export function hookPath(cwd: string): string {
  let root: string;
  try {
    root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    throw new UsageError('init --hook: not inside a git repository');
  }
  if (isDir(join(root, '.husky'))) return join(root, '.husky', 'pre-commit');
  const hooks = execFileSync('git', ['rev-parse', '--git-path', 'hooks'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  return join(resolve(root, hooks), 'pre-commit');
}

/** `pgsafe init`: writes a starter config and, with --hook, a pre-commit hook; never overwrites without --force. */
export function runInit(o: InitOptions, cwd = process.cwd()): string[] {
  if (o.framework !== undefined && !(FRAMEWORKS as readonly string[]).includes(o.framework)) {
    throw new UsageError(`--framework: expected one of ${FRAMEWORKS.join(', ')}, got "${o.framework}"`);
  }
  const done: string[] = [];
  const existing = CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  const configPath = existing ?? join(cwd, CONFIG_NAMES[0]);
  if (existing && !o.force) {
    if (!o.hook) throw new UsageError(`${relative(cwd, existing)} already exists (use --force to overwrite it)`);
    done.push(`kept ${relative(cwd, existing)}`);
  } else {
    const { config, notes } = starterConfig(cwd, o);
    if (o.fromSquawk) {
      const file = squawkFile(cwd, o.fromSquawk);
      const squawk = convertSquawk(parseSquawkToml(readFileSync(file, 'utf8'), relative(cwd, file) || file), rules, relative(cwd, file) || file);
      // An explicit --pg-version wins over the squawk file, as flags win over config files.
      const { pgVersion, ...rest } = squawk.config;
      Object.assign(config, rest, pgVersion !== undefined && !o.pgVersion ? { pgVersion } : {});
      notes.push(...squawk.notes.map((n) => `${relative(cwd, file) || file}: ${n}`));
    }
    writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
    done.push(...notes, `wrote ${relative(cwd, configPath)}`);
  }
  if (o.hook) {
    const hook = hookPath(cwd);
    if (existsSync(hook) && !o.force) {
      throw new UsageError(`${relative(cwd, hook) || hook} already exists; add \`pgsafe lint --staged\` to it, or use --force to overwrite it`);
    }
    mkdirSync(dirname(hook), { recursive: true });
    // A husky hook is committed and shared: no path from this machine in it. The project's own install is found anyway.
    const husky = basename(dirname(hook)) === '.husky';
    const self = selfBin();
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const local = self !== undefined && !relative(join(top, 'node_modules'), self).startsWith('..');
    writeFileSync(hook, hookScript(husky || local ? undefined : self));
    chmodSync(hook, 0o755);
    done.push(`wrote ${relative(cwd, hook) || hook}`);
  }
  return done;
}

export function registerInitCommand(program: Command, io: { stdout: { write(s: string): unknown }; cwd: string } = { stdout: process.stdout, cwd: process.cwd() }): void {
  program
    .command('init')
    .description('write a starter pgsafe.config.json (framework and migrations directory detected), and with --hook a git pre-commit hook running `pgsafe lint --staged`')
    .option('--hook', 'also write a pre-commit hook (into .husky/ when the project uses husky)')
    .option('--force', 'overwrite an existing config file or hook')
    .option('--framework <name>', `migration framework: ${FRAMEWORKS.join(', ')}`)
    .option('--pg-version <major>', 'Postgres major version of the target server')
    .option('--from-squawk [file]', 'convert a .squawk.toml (default: the one in this directory or a parent) into the config')
    .action((o: InitOptions) => {
      for (const line of runInit(o, io.cwd)) io.stdout.write(`pgsafe: ${line}\n`);
    });
}
