import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import type { FrameworkName } from '../config/types.js';

/** A directory that holds migrations, as `pgsafe init` found it. */
export interface FoundMigrations {
  /** Relative to the project root, with `/`. */
  dir: string;
  framework?: FrameworkName;
  /** How many migrations it holds. */
  count: number;
  /** What gave it away, for the message: "migration.sql in 163 directories". */
  evidence: string;
}

/** Never descended into: dependencies, build output, VCS and tool state. */
const SKIP = new Set(['node_modules', 'vendor', 'dist', 'build', 'target', 'coverage', 'out', 'tmp', 'log', 'logs']);
const MAX_DEPTH = 7;
const MAX_DIRS = 20_000;

const GOOSE = /^\s*--\s*\+goose\s+up\b/im;
const DBMATE = /^\s*--\s*migrate:up\b/im;
const FLYWAY = /^V\d+(?:[._]\d+)*__.+\.sql$/i;
const GOLANG_MIGRATE = /^\d+_.+\.(?:up|down)\.sql$/i;
/** A leading version, number or timestamp: how every framework without a preset names its files too. */
const NUMBERED = /^\d+[-_.]/;

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function head(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(0, 4096);
  } catch {
    return '';
  }
}

/** What one directory holds, from its own files and its subdirectories' files; undefined when it holds no migrations. */
function classify(dir: string, rel: string, list: Dirent[]): Omit<FoundMigrations, 'dir'> | undefined {
  const sql = list.filter((e) => e.isFile() && /\.sql$/i.test(e.name)).map((e) => e.name);
  const subdirs = list.filter((e) => e.isDirectory()).map((e) => e.name);
  const names = new Set(list.map((e) => e.name));

  if (names.has('sqitch.plan') && subdirs.includes('deploy')) {
    const n = entries(join(dir, 'deploy')).filter((e) => e.isFile() && /\.sql$/i.test(e.name)).length;
    if (n) return { framework: 'sqitch', count: n, evidence: 'sqitch.plan and deploy/' };
  }
  let prisma = 0;
  let diesel = 0;
  for (const s of subdirs) {
    const inner = new Set(entries(join(dir, s)).map((e) => e.name));
    if (inner.has('migration.sql')) prisma++;
    else if (inner.has('up.sql')) diesel++;
  }
  if (prisma && prisma >= diesel) return { framework: 'prisma', count: prisma, evidence: `migration.sql in ${prisma} directories` };
  if (diesel) return { framework: 'diesel', count: diesel, evidence: `up.sql in ${diesel} directories` };
  if (sql.length === 0) return undefined;

  const flyway = sql.filter((f) => FLYWAY.test(f)).length;
  if (flyway * 2 > sql.length) return { framework: 'flyway', count: flyway, evidence: `${flyway} V<version>__ files` };
  const ups = sql.filter((f) => GOLANG_MIGRATE.test(f) && /\.up\.sql$/i.test(f)).length;
  if (ups && sql.filter((f) => GOLANG_MIGRATE.test(f)).length * 2 > sql.length) {
    return { framework: 'golang-migrate', count: ups, evidence: `${ups} .up.sql files` };
  }
  // Annotations are in every file of those frameworks; a few files tell.
  const sample = sql.slice(0, 5).map((f) => head(join(dir, f)));
  if (sample.some((t) => GOOSE.test(t))) return { framework: 'goose', count: sql.length, evidence: '-- +goose Up annotations' };
  if (sample.some((t) => DBMATE.test(t))) return { framework: 'dbmate', count: sql.length, evidence: '-- migrate:up annotations' };
  const numbered = sql.filter((f) => NUMBERED.test(f)).length;
  if (numbered * 2 > sql.length || /migrat/i.test(rel)) return { count: sql.length, evidence: `${sql.length} .sql files` };
  return undefined;
}

/**
 * The migration directories under `root`, most migrations first (a framework recognised beats none at equal
 * counts, then the shallower directory). Nested layouts count: documenso's `packages/prisma/migrations`.
 */
export function findMigrationDirs(root: string): FoundMigrations[] {
  const found: FoundMigrations[] = [];
  const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  let seen = 0;
  while (queue.length && seen < MAX_DIRS) {
    const { dir, depth } = queue.shift()!;
    seen++;
    const list = entries(dir);
    const rel = relative(root, dir).split('\\').join('/') || '.';
    const hit = classify(dir, rel, list);
    if (hit) found.push({ dir: rel, ...hit });
    // A Prisma, diesel or Sqitch directory's subdirectories are its migrations.
    if (hit && (hit.framework === 'prisma' || hit.framework === 'diesel' || hit.framework === 'sqitch')) continue;
    if (depth >= MAX_DEPTH) continue;
    for (const e of list) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) queue.push({ dir: join(dir, e.name), depth: depth + 1 });
    }
  }
  const depthOf = (d: string) => (d === '.' ? 0 : d.split('/').length);
  return found.sort((a, b) => b.count - a.count || Number(!!b.framework) - Number(!!a.framework) || depthOf(a.dir) - depthOf(b.dir) || (a.dir < b.dir ? -1 : 1));
}
