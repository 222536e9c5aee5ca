import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

function git(args: string[], cwd: string, what: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; code?: string; message: string };
    if (e.code === 'ENOENT') throw new UsageError(`${what}: git is not installed or not on PATH`);
    const msg = (e.stderr ?? '').trim().split('\n')[0].replace(/^fatal: /, '');
    throw new UsageError(msg ? `${what}: ${msg}` : what);
  }
}

function zlist(out: string): string[] {
  return out.split('\0').filter(Boolean);
}

/** The repository's top-level directory. */
const roots = new Map<string, string>();

export function gitRoot(cwd: string, what: string): string {
  let root = roots.get(cwd);
  if (!root) {
    root = git(['rev-parse', '--show-toplevel'], cwd, what).trim();
    roots.set(cwd, root);
  }
  return root;
}

/**
 * Files added or changed since `ref` (absolute paths): against the merge base
 * of `ref` and HEAD, as a pull request sees them, including uncommitted and
 * untracked files.
 */
export function changedSince(ref: string, cwd: string): Set<string> {
  const what = '--changed-since';
  const root = gitRoot(cwd, what);
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root, `${what}: unknown git ref "${ref}"`);
  let base = ref;
  try {
    base = git(['merge-base', ref, 'HEAD'], root, what).trim() || ref;
  } catch {
    // No common history (shallow clone): compare with the ref itself.
  }
  const changed = zlist(git(['diff', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames', base, '--'], root, what));
  const untracked = zlist(git(['ls-files', '--others', '--exclude-standard', '-z'], root, what));
  return new Set([...changed, ...untracked].map((p) => resolve(root, p)));
}

/** Files added or changed in the index (absolute paths). */
export function stagedFiles(cwd: string): Set<string> {
  const root = gitRoot(cwd, '--staged');
  return new Set(zlist(git(['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--no-renames'], root, '--staged')).map((p) => resolve(root, p)));
}

/** Untracked files (absolute paths): not part of any commit yet. */
export function untrackedFiles(cwd: string): Set<string> {
  const root = gitRoot(cwd, '--staged');
  return new Set(zlist(git(['ls-files', '--others', '--exclude-standard', '-z'], root, '--staged')).map((p) => resolve(root, p)));
}

/** A file's content as staged in the index (`git show :path`), not the working tree. */
export function readStaged(absPath: string, cwd: string): Buffer {
  const root = gitRoot(cwd, '--staged');
  const rel = absPath.startsWith(root) ? absPath.slice(root.length + 1) : absPath;
  try {
    return execFileSync('git', ['show', `:${rel.split('\\').join('/')}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (err) {
    throw new UsageError(`--staged: cannot read ${rel} from the index: ${((err as { stderr?: Buffer }).stderr?.toString() ?? '').trim()}`);
  }
}
