import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PgBinaries } from './binaries.js';

/** Bump when seeding changes what it writes, so old cache entries are not reused. */
export const SEEDER_VERSION = 2;

export function defaultSeedCacheDir(): string {
  return process.env.PGSAFE_SEED_CACHE_DIR ?? path.join(os.tmpdir(), 'pgsafe-seed-cache');
}

/** The cache key of a seeded database: the seeder, the schema and base migrations, and the row settings. */
export function seedCacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify({ v: SEEDER_VERSION, parts })).digest('hex').slice(0, 20);
}

export function seedEntry(dir: string, binaries: PgBinaries, key: string): string {
  const b = createHash('sha1').update(binaries.bindir + '\0' + binaries.version).digest('hex').slice(0, 8);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(dir, `seed-${binaries.major}-${uid}-${b}-${key}`);
}

/** A complete entry: a stopped cluster plus the seed report written after it. */
export async function readSeedEntry<T>(entry: string): Promise<T | undefined> {
  if (!existsSync(path.join(entry, 'PG_VERSION'))) return undefined;
  try {
    const meta = JSON.parse(await readFile(`${entry}.json`, 'utf8')) as T;
    const now = new Date();
    await utimes(`${entry}.json`, now, now).catch(() => {});
    return meta;
  } catch {
    return undefined;
  }
}

export async function writeSeedEntry(entry: string, meta: unknown, keep = 3): Promise<void> {
  await writeFile(`${entry}.json`, JSON.stringify(meta));
  await pruneSeedCache(path.dirname(entry), keep);
}

export async function ensureSeedCacheDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Keeps the `keep` most recently used entries (a seeded 10M-row cluster is over 1 GB). */
export async function pruneSeedCache(dir: string, keep = 3): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const metas = names.filter((n) => n.startsWith('seed-') && n.endsWith('.json'));
  const dated = await Promise.all(metas.map(async (n) => ({ n, t: (await stat(path.join(dir, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(keep)) {
    const entry = path.join(dir, n.slice(0, -'.json'.length));
    await rm(`${entry}.json`, { force: true });
    await rm(entry, { recursive: true, force: true });
  }
  // Copies an interrupted save left behind (`<entry>.tmp-<pid>-<random>`, its process gone): remove.
  for (const n of names) {
    const pid = /\.tmp-(\d+)-[0-9a-f]+$/.exec(n)?.[1];
    if (pid && !alive(Number(pid))) await rm(path.join(dir, n), { recursive: true, force: true });
  }
  // Entries whose metadata never got written (interrupted): remove.
  for (const n of names) {
    if (n.startsWith('seed-') && !n.endsWith('.json') && !n.includes('.tmp-') && !names.includes(`${n}.json`)) await rm(path.join(dir, n), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
