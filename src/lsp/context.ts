// The migrations that run before the edited file: they feed the schema model, as they do
// when `pgsafe lint` is given the whole directory (or the config's `include`), so the
// editor and CI agree.
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { compareMigrations, resolvePaths } from '../cli/files.js';
import { frameworks } from '../config/frameworks/index.js';
import type { DocumentSettings } from './settings.js';

export interface PriorFile {
  path: string;
  text: string;
}

const texts = new Map<string, { stamp: string; text: string }>();

async function readCached(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    const stamp = `${s.mtimeMs}:${s.size}`;
    const hit = texts.get(path);
    if (hit && hit.stamp === stamp) return hit.text;
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    texts.set(path, { stamp, text });
    return text;
  } catch {
    return undefined;
  }
}

/** Frameworks with one directory per migration (`<id>/migration.sql`, `<id>/up.sql`): the migrations are the parent's. */
const DIR_PER_MIGRATION = new Set(['prisma', 'diesel']);

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
    const dir = framework && DIR_PER_MIGRATION.has(framework) ? dirname(dirname(filePath)) : dirname(filePath);
    found = await resolvePaths([dir]).catch(() => []);
  }
  const preset = framework ? frameworks[framework] : undefined;
  const kept = [...new Set(found)].filter((f) => s.resolver.selected(f) && (!preset || preset.isMigration(f)));
  kept.sort(compareMigrations);
  return preset?.order ? preset.order(kept) : kept;
}

/**
 * The files that run before `filePath`, with their current text (an open editor buffer
 * wins over the file on disk). Empty when the file is not part of a migration set.
 */
export async function priorMigrations(filePath: string, s: DocumentSettings, openText: (path: string) => string | undefined): Promise<PriorFile[]> {
  const all = await migrationSet(filePath, s);
  const at = all.indexOf(filePath);
  // A file not in the set yet (new, or excluded) goes where its name sorts.
  const before = at >= 0 ? all.slice(0, at) : all.filter((f) => compareMigrations(f, filePath) < 0);
  const out: PriorFile[] = [];
  for (const path of before) {
    const text = openText(path) ?? (await readCached(path));
    if (text !== undefined) out.push({ path, text });
  }
  return out;
}
