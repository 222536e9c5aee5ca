import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';

/** A path as CI tools want it: relative to `root` (the repository checkout) with forward slashes. */
export function repoPath(path: string, root: string): string {
  if (path.startsWith('<')) return path;
  let p = path;
  if (isAbsolute(p)) {
    const r = relative(root, p);
    if (r && !r.startsWith('..') && !isAbsolute(r)) p = r;
  }
  p = p.split(sep).join('/');
  return p.startsWith('./') ? p.slice(2) : p;
}

/** The root CI paths are relative to: `GITHUB_WORKSPACE` or `CI_PROJECT_DIR` when set, else the working directory. */
export function ciRoot(cwd: string, env: Record<string, string | undefined> = process.env): string {
  return env.GITHUB_WORKSPACE || env.CI_PROJECT_DIR || cwd;
}

export function hash(...parts: (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\0');
  return h.digest('hex');
}
