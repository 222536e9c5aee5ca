import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_NAMES } from '../config/load.js';
import { FRAMEWORKS } from '../config/types.js';
import { UsageError } from '../project/errors.js';
import { DEFAULT_PG_VERSION, parsePgVersion } from './run.js';

export const CONFIG_SCHEMA_URL = 'https://raw.githubusercontent.com/pgsafe/pgsafe/main/schema/pgsafe.config.schema.json';

/** Directories migration tools use by default, most specific first. */
const MIGRATION_DIRS = ['prisma/migrations', 'supabase/migrations', 'db/migrations', 'db/migrate', 'src/main/resources/db/migration', 'migrations', 'sql/migrations', 'deploy'];

export interface InitOptions {
  hook?: boolean;
  force?: boolean;
  framework?: string;
  pgVersion?: string;
}

export const HOOK_MARKER = '# pgsafe: lint staged SQL migrations';

export function hookScript(): string {
  return ['#!/bin/sh', `${HOOK_MARKER} (written by \`pgsafe init --hook\`)`, 'npx --no-install pgsafe lint --staged', ''].join('\n');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The starter config: the Postgres version, the framework and where the migrations are, when they can be told. */
export function starterConfig(cwd: string, o: InitOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { $schema: CONFIG_SCHEMA_URL, pgVersion: o.pgVersion ? parsePgVersion(o.pgVersion) : DEFAULT_PG_VERSION };
  if (o.framework) out.framework = o.framework;
  const dir = MIGRATION_DIRS.find((d) => isDir(join(cwd, d)));
  if (dir) out.include = [`${dir}/**/*.sql`];
  out.exclude = [];
  out.rules = {};
  return out;
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
    writeFileSync(configPath, JSON.stringify(starterConfig(cwd, o), null, 2) + '\n');
    done.push(`wrote ${relative(cwd, configPath)}`);
  }
  if (o.hook) {
    const hook = hookPath(cwd);
    if (existsSync(hook) && !o.force) {
      throw new UsageError(`${relative(cwd, hook) || hook} already exists; add \`npx --no-install pgsafe lint --staged\` to it, or use --force to overwrite it`);
    }
    mkdirSync(dirname(hook), { recursive: true });
    writeFileSync(hook, hookScript());
    chmodSync(hook, 0o755);
    done.push(`wrote ${relative(cwd, hook) || hook}`);
  }
  return done;
}

export function registerInitCommand(program: Command, io: { stdout: { write(s: string): unknown }; cwd: string } = { stdout: process.stdout, cwd: process.cwd() }): void {
  program
    .command('init')
    .description('write a starter pgsafe.config.json, and with --hook a git pre-commit hook running `pgsafe lint --staged`')
    .option('--hook', 'also write a pre-commit hook (into .husky/ when the project uses husky)')
    .option('--force', 'overwrite an existing config file or hook')
    .option('--framework <name>', `migration framework: ${FRAMEWORKS.join(', ')}`)
    .option('--pg-version <major>', 'Postgres major version of the target server')
    .action((o: InitOptions) => {
      for (const line of runInit(o, io.cwd)) io.stdout.write(`pgsafe: ${line}\n`);
    });
}
