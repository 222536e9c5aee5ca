import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { ReplayUsageError } from './util.js';

/**
 * Files as given, in the order given. Directories are the project layer's job (discovery, framework order, down
 * files left out): the CLI expands them before replay sees them.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new ReplayUsageError(`no such file or directory: ${p}`);
    if (st.isDirectory()) throw new ReplayUsageError(`${p}: a directory (pass the migration files in run order)`);
  }
  return paths;
}

export interface Split {
  base: string[];
  pending: string[];
}

/**
 * Pending migrations: those matching `--pending` or in `changed` (the files changed since `--changed-since`, as lint
 * computes them), by default the last file. Every file after the first pending one is pending too (migrations run in
 * order); the files before it are the base.
 */
export function splitPending(files: string[], opts: { pending?: string; changed?: Set<string>; changedSince?: string }, cwd = process.cwd()): Split {
  if (files.length === 0) throw new ReplayUsageError('no migration files given (pass files or directories)');
  if (opts.changedSince && !opts.changed) throw new ReplayUsageError('--changed-since: the changed files must be listed by the caller');
  let first = files.length - 1;
  if (opts.pending || opts.changed) {
    const matchers: ((f: string) => boolean)[] = [];
    if (opts.pending) {
      const m = picomatch(opts.pending, { dot: true });
      const base = picomatch(opts.pending, { dot: true, basename: true });
      matchers.push((f) => m(path.relative(cwd, f)) || m(f) || base(f) || path.resolve(cwd, f) === path.resolve(cwd, opts.pending!));
    }
    if (opts.changed) {
      const changed = opts.changed;
      matchers.push((f) => changed.has(path.resolve(cwd, f)));
    }
    first = files.findIndex((f) => matchers.some((m) => m(f)));
    if (first < 0) throw new ReplayUsageError(`no pending migration: nothing matched ${[opts.pending && `--pending ${opts.pending}`, opts.changedSince && `--changed-since ${opts.changedSince}`].filter(Boolean).join(' or ')}`);
  }
  return { base: files.slice(0, first), pending: files.slice(first) };
}
