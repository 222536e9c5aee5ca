import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import picomatch from 'picomatch';
import { ReplayUsageError } from './util.js';
import { isDownFile } from '../rollback/down.js';
import { resolvePaths } from '../project/files.js';

const execFileP = promisify(execFile);

/**
 * Files in migration order, as `pgsafe lint` orders them (natural sort that understands numeric, timestamp and
 * Flyway prefixes). A directory's down migrations are the rollback path, not pending forward migrations.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await stat(p);
    } catch {
      throw new ReplayUsageError(`no such file or directory: ${p}`);
    }
    out.push(...(st.isDirectory() ? (await resolvePaths([p])).filter((f) => !isDownFile(f)) : [p]));
  }
  return out;
}

/** Files changed since a git ref (committed, staged, unstaged or untracked), as absolute paths. */
export async function changedSince(ref: string, cwd = process.cwd()): Promise<Set<string>> {
  let root: string;
  try {
    root = (await execFileP('git', ['rev-parse', '--show-toplevel'], { cwd })).stdout.trim();
  } catch {
    throw new ReplayUsageError('--changed-since needs a git repository');
  }
  try {
    await execFileP('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd });
  } catch {
    throw new ReplayUsageError(`--changed-since: unknown git ref "${ref}"`);
  }
  // Both listings are relative to the repository root.
  const diff = (await execFileP('git', ['diff', '--name-only', '--diff-filter=ACMR', ref, '--'], { cwd: root, maxBuffer: 64 << 20 })).stdout;
  const untracked = (await execFileP('git', ['ls-files', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 64 << 20 })).stdout;
  return new Set([...diff.split('\n'), ...untracked.split('\n')].filter(Boolean).map((f) => path.resolve(root, f)));
}

export interface Split {
  base: string[];
  pending: string[];
}

/**
 * Pending migrations: those matching `--pending` or changed since `--changed-since`, by default the last file. Every file
 * after the first pending one is pending too (migrations run in order); the files before it are the base.
 */
export async function splitPending(files: string[], opts: { pending?: string; changedSince?: string }): Promise<Split> {
  if (files.length === 0) throw new ReplayUsageError('no migration files given (pass files or directories)');
  let first = files.length - 1;
  if (opts.pending || opts.changedSince) {
    const matchers: ((f: string) => boolean)[] = [];
    if (opts.pending) {
      const m = picomatch(opts.pending, { dot: true });
      const base = picomatch(opts.pending, { dot: true, basename: true });
      matchers.push((f) => m(path.relative(process.cwd(), f)) || m(f) || base(f));
    }
    if (opts.changedSince) {
      const changed = await changedSince(opts.changedSince);
      matchers.push((f) => changed.has(path.resolve(f)));
    }
    first = files.findIndex((f) => matchers.some((m) => m(f)));
    if (first < 0) throw new ReplayUsageError(`no pending migration: nothing matched ${[opts.pending && `--pending ${opts.pending}`, opts.changedSince && `--changed-since ${opts.changedSince}`].filter(Boolean).join(' or ')}`);
  }
  return { base: files.slice(0, first), pending: files.slice(first) };
}
