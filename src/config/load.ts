import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Rule } from '../engine/rule.js';
import { ConfigError, type LoadedConfig } from './types.js';
import { validateConfig } from './validate.js';

/** Config file names, in the order they are looked for in each directory. */
export const CONFIG_NAMES = ['pgsafe.config.json', '.pgsaferc.json'] as const;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Looks for a config file in `startDir` and its parents, stopping after the
 * repository root (the first directory holding `.git`) or the filesystem root.
 * Two `stat`s per level: it never lists a directory.
 */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const p = join(dir, name);
      if (isFile(p)) return p;
    }
    if (isDir(join(dir, '.git')) || isFile(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file; throws ConfigError naming the file and key. */
export function loadConfig(path: string, rules: readonly Rule[]): LoadedConfig {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (err) {
    throw new ConfigError(path, '', `cannot read config file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(path, '', `invalid JSON: ${(err as Error).message}`);
  }
  return { path: abs, dir: dirname(abs), config: validateConfig(raw, path, rules) };
}

/** The directory to start config discovery from: the deepest directory shared by the linted paths. */
export function commonDir(paths: string[], cwd = process.cwd()): string {
  const dirs = paths.map((p) => {
    const abs = resolve(cwd, p.replace(/[*?[\]{}].*$/s, '') || '.');
    return isDir(abs) ? abs : dirname(abs);
  });
  if (dirs.length === 0) return resolve(cwd);
  let common = dirs[0];
  for (const d of dirs.slice(1)) {
    while (relative(common, d).startsWith('..') || isAbsolute(relative(common, d))) {
      const parent = dirname(common);
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}
