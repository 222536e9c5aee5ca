// Where a migration's set lives on disk: the framework's layout decides, walking up from the file to the
// migrations root; without a framework the file's name and directory shape decide.
import { basename, dirname } from 'node:path';
import { frameworks, type FrameworkPreset } from '../config/frameworks/index.js';
import { dirPerMigrationRoot, flatRoot } from '../config/frameworks/types.js';
import type { FrameworkName } from '../config/types.js';

/** Prisma's `<id>/migration.sql`, diesel's `<id>/up.sql` / `down.sql`: one directory per migration. */
const PER_DIR_NAME = /^(migration|up|down)\.sql$/i;
/** Names that say "I am one of an ordered series": `0001_x.sql`, `20240101_x.sql`, `V1__x.sql`, `U1__x.sql`. */
const SERIES_NAME = /^(\d|[VU]\d+(?:[._]\d+)*__)/i;

const preset = (framework: FrameworkName | undefined): FrameworkPreset | undefined => (framework ? frameworks[framework] : undefined);

/** The migrations root of `path`: the directory holding every migration of its set. */
export function migrationRoot(path: string, framework?: FrameworkName): string {
  const p = preset(framework);
  if (p) return p.root(path);
  return PER_DIR_NAME.test(basename(path)) ? dirPerMigrationRoot(path) : flatRoot(path);
}

/**
 * Whether a file named on the command line belongs to a migration set whose earlier files should feed its
 * schema: a framework says so, or its name or layout does. A plainly named script (`fix-users.sql`) stands alone.
 */
export function inSeries(path: string, framework?: FrameworkName): boolean {
  if (framework) return true;
  const name = basename(path);
  return PER_DIR_NAME.test(name) ? SERIES_NAME.test(basename(dirname(path))) : SERIES_NAME.test(name);
}

/** The up migration of the down (undo, revert) file `path`: by the framework's naming, or any framework's without one. */
export function upMigrationOf(path: string, framework?: FrameworkName): string | undefined {
  const p = preset(framework);
  if (p) return p.upFor?.(path);
  for (const f of Object.values(frameworks)) {
    const up = f.upFor?.(path);
    if (up) return up;
  }
  return undefined;
}
