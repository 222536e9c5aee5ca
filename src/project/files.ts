import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';

import { UsageError } from './errors.js';

export { UsageError };

/** Orders migration paths as runners do: natural sort per path segment, Flyway versions compared numerically. */
export function compareMigrations(a: string, b: string): number {
  const sa = a.split(/[\\/]/);
  const sb = b.split(/[\\/]/);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const c = compareSegment(sa[i], sb[i]);
    if (c !== 0) return c;
  }
  return sa.length - sb.length;
}

function segmentKey(s: string): (string | number)[] {
  // Flyway: V1_2__name.sql → version 1.2 (underscores and dots separate version parts).
  const fly = /^([VUR])(\d+(?:[._]\d+)*)__(.*)$/i.exec(s);
  if (fly) return [fly[1].toUpperCase() === 'V' ? 0 : 1, ...fly[2].split(/[._]/).map(Number), '__', ...chunks(fly[3])];
  return chunks(s);
}

function chunks(s: string): (string | number)[] {
  return (s.match(/\d+|\D+/g) ?? []).map((c) => (/^\d/.test(c) ? Number(c) : c.toLowerCase()));
}

const FLYWAY = /^([VUR])(\d+(?:[._]\d+)*)__(.*)$/i;

function compareSegment(a: string, b: string): number {
  // Flyway versions compare part by part, a missing part first: V1 < V1_1 < V1_2 < V2 < V10.
  const fa = FLYWAY.exec(a);
  const fb = FLYWAY.exec(b);
  if (fa && fb && fa[1].toUpperCase() === fb[1].toUpperCase()) {
    const va = fa[2].split(/[._]/).map(Number);
    const vb = fb[2].split(/[._]/).map(Number);
    for (let i = 0; i < Math.max(va.length, vb.length); i++) {
      const x = va[i] ?? -1;
      const y = vb[i] ?? -1;
      if (x !== y) return x - y;
    }
  }
  const ka = segmentKey(a);
  const kb = segmentKey(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const x = ka[i];
    const y = kb[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return ka.length - kb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Every *.sql file below `dir`. Symbolic links are followed (to files and directories, each real directory once,
 * so a link loop ends); what cannot be read (an unreadable subdirectory, a broken link, a FIFO named *.sql) is
 * skipped with a note, and the rest is still found.
 */
async function walk(dir: string, out: string[], notes: string[], show: (p: string) => string = (p) => p, seen = new Set<string>()): Promise<void> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    real = dir;
  }
  if (seen.has(real)) {
    notes.push(`${show(dir)}: skipped, a symbolic link loop (already read as ${real})`);
    return;
  }
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (seen.size === 1) throw err;
    notes.push(`${show(dir)}: skipped, cannot read the directory (${reason(err)})`);
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    const sql = e.name.toLowerCase().endsWith('.sql');
    if (e.isDirectory()) await walk(p, out, notes, show, seen);
    else if (e.isFile() && sql) out.push(p);
    else if (e.isSymbolicLink()) {
      let st;
      try {
        st = await stat(p);
      } catch (err) {
        if (sql) notes.push(`${show(p)}: skipped, a broken symbolic link (${reason(err)})`);
        continue;
      }
      if (st.isDirectory()) await walk(p, out, notes, show, seen);
      else if (st.isFile() && sql) out.push(p);
    } else if (sql) notes.push(`${show(p)}: skipped, not a regular file`);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'no such file' : code === 'ELOOP' ? 'too many levels of links' : (err as Error)?.message ?? String(err);
}

const GLOB = /[*?[\]{}]/;

/** Expands files, directories (every *.sql below, in migration order) and globs. */
export async function resolvePaths(inputs: string[], cwd = process.cwd(), notes: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (GLOB.test(input)) {
      const base = input.split(/[\\/]/).findIndex((p) => GLOB.test(p));
      const root = input.split(/[\\/]/).slice(0, base).join(sep) || '.';
      const all: string[] = [];
      try { await walk(join(cwd, root), all, notes, (p) => relative(cwd, p)); } catch { /* no such root: no matches */ }
      const match = picomatch(input, { dot: false });
      const hits = all.map((p) => relative(cwd, p)).filter((p) => match(p) || match(p.split(sep).join('/'))).sort(compareMigrations);
      if (hits.length === 0) throw new UsageError(`no files match ${input}`);
      out.push(...hits);
      continue;
    }
    // Paths stay as given (relative ones are reported relative); the file system is asked about them from `cwd`.
    const abs = resolve(cwd, input);
    let st;
    try {
      st = await stat(abs);
    } catch {
      throw new UsageError(`cannot read ${input}: no such file or directory`);
    }
    if (st.isDirectory()) {
      const files: string[] = [];
      try {
        // Notes name paths as the user gave the directory, like the files found.
        await walk(abs, files, notes, (p) => join(input, p.slice(abs.length)));
      } catch (err) {
        throw new UsageError(`cannot read ${input}: ${reason(err)}`);
      }
      out.push(...files.map((f) => join(input, f.slice(abs.length))).sort(compareMigrations));
    } else if (!st.isFile()) {
      throw new UsageError(`cannot read ${input}: not a regular file (pgsafe reads files, directories and - for stdin)`);
    } else out.push(input);
  }
  return [...new Set(out)];
}

