// The migrations that run before the edited file feed its schema model, as they do when
// `pgsafe lint` is given the whole directory (or the config's `include`), so the editor and
// CI agree: the project layer analyses them (src/project/history.ts). Their analysis is cached:
// it is redone only when one of them changes.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SchemaModel } from '../analysis/schema.js';
import type { AnalysisSettings } from '../analysis/types.js';
import { compareMigrations, historySchema, migrationRoot, resolvePaths, upMigrationOf } from '../project/index.js';
import { frameworks } from '../config/frameworks/index.js';
import { prepareText } from '../config/prepare.js';
import type { LintInput } from '../engine/engine.js';
import { isDownFile } from '../rollback/down.js';
import type { DocumentSettings } from './settings.js';

interface Source {
  text: string;
  /** Changes whenever the text may have: mtime and size on disk, the version of an open buffer. */
  stamp: string;
}

const disk = new Map<string, Source>();

async function readCached(path: string): Promise<Source | undefined> {
  try {
    const s = await stat(path);
    const stamp = `${s.mtimeMs}:${s.size}`;
    const hit = disk.get(path);
    if (hit && hit.stamp === stamp) return hit;
    const entry = { stamp, text: (await readFile(path, 'utf8')).replace(/^\uFEFF/, '') };
    disk.set(path, entry);
    return entry;
  } catch {
    return undefined;
  }
}

/** Every migration file of the set `filePath` belongs to, in the order they run (absolute paths). */
async function migrationSet(filePath: string, s: DocumentSettings): Promise<string[]> {
  const framework = s.file.framework;
  let found: string[];
  const include = s.loaded?.config.include;
  if (s.loaded && include?.length) {
    const dir = s.loaded.dir;
    found = [];
    for (const g of include) {
      try {
        found.push(...(await resolvePaths([g], dir)).map((p) => resolve(dir, p)));
      } catch {
        // A glob that matches nothing.
      }
    }
  } else {
    // The framework's layout, or the file's (Prisma's `<id>/migration.sql`, diesel's `<id>/up.sql`) without one.
    found = await resolvePaths([migrationRoot(filePath, framework)]).catch(() => []);
  }
  const preset = framework ? frameworks[framework] : undefined;
  const kept = [...new Set(found)].filter((f) => s.resolver.selected(f) && (!preset || preset.isMigration(f)));
  kept.sort(compareMigrations);
  return preset?.order ? preset.order(kept) : kept;
}

/** Listing and stat results are reused for this long, so a burst of keystrokes does not re-walk the tree. */
const LISTING_TTL_MS = 1000;
const recent = new Map<string, { at: number; key: string; files: ({ path: string } & Source)[] }>();

/** Drops the listings kept for `LISTING_TTL_MS` (a file was added, removed or saved). */
export function forgetListings(): void {
  recent.clear();
}

/** The files that run before `filePath` (an open editor buffer wins over the file on disk). */
export async function priorMigrations(filePath: string, s: DocumentSettings, open: (path: string) => Source | undefined): Promise<({ path: string } & Source)[]> {
  const key = JSON.stringify(s.loaded?.config ?? null);
  const hit = recent.get(filePath);
  let onDisk: ({ path: string } & Source)[];
  if (hit && hit.key === key && performance.now() - hit.at < LISTING_TTL_MS) {
    onDisk = hit.files;
  } else {
    const all = await migrationSet(filePath, s);
    // A down migration runs after its up (which may sort after it: `x.down.sql` < `x.up.sql`).
    const up = isDownFile(filePath, s.file.framework) ? [upMigrationOf(filePath, s.file.framework)].find((u) => u !== undefined && all.includes(u)) : undefined;
    const self = up ?? filePath;
    const at = all.indexOf(self);
    // A file not in the set yet (new, or excluded) goes where its name sorts.
    const before = (at >= 0 ? all.slice(0, at + (up ? 1 : 0)) : all.filter((f) => compareMigrations(f, self) < 0)).filter((f) => f !== filePath);
    onDisk = [];
    for (const path of before) {
      const src = await readCached(path);
      if (src) onDisk.push({ path, ...src });
    }
    recent.set(filePath, { at: performance.now(), key, files: onDisk });
  }
  return onDisk.map((f) => ({ ...f, ...(open(f.path) ?? {}) }));
}

const schemas = new Map<string, { key: string; schema: SchemaModel }>();
const MAX_CACHED = 16;

/**
 * The schema model after the migrations that run before `filePath`, analysed the way the
 * engine analyses inputs that only feed the schema (`lint: false`): framework text, down
 * sections and down files left out. Undefined when nothing runs before it.
 */
export async function priorSchema(filePath: string, s: DocumentSettings, analysis: AnalysisSettings, open: (path: string) => Source | undefined): Promise<SchemaModel | undefined> {
  const prior = await priorMigrations(filePath, s, open);
  if (prior.length === 0) return undefined;
  const key = JSON.stringify([analysis.pgVersion, analysis.assumeInTransaction, s.loaded?.config ?? null, prior.map((p) => [p.path, p.stamp])]);
  const hit = schemas.get(filePath);
  if (hit && hit.key === key) return hit.schema;
  // Edits during a long first analysis wait for it rather than starting another.
  const running = inflight.get(key);
  if (running) return running;
  const promise = analysePrior(filePath, key, prior, s, analysis);
  inflight.set(key, promise);
  try {
    return await promise;
  } finally {
    inflight.delete(key);
  }
}

const inflight = new Map<string, Promise<SchemaModel>>();

async function analysePrior(filePath: string, key: string, prior: ({ path: string } & Source)[], s: DocumentSettings, analysis: AnalysisSettings): Promise<SchemaModel> {
  const prepared: LintInput[] = prior.map((f) => {
    const p = prepareText(f.path, f.text, s.resolver.forFile(f.path));
    return { path: f.path, text: p.text, fileOptions: p.fileOptions };
  });
  // A long history takes seconds: let the server answer other requests meanwhile.
  const schema = await historySchema(prepared, analysis, { framework: s.file.framework, frameworkOf: (p) => s.resolver.forFile(p).framework, yieldEvery: 25 });
  if (schemas.size >= MAX_CACHED) schemas.delete(schemas.keys().next().value!);
  schemas.set(filePath, { key, schema });
  return schema;
}
