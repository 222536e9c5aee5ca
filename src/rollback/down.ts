// Where each framework keeps the down migration of an up migration, found by
// the files' usual names. The framework presets (src/config/frameworks) say
// which framework a project uses; without one, the names and markers decide.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseSource } from '../source/index.js';
import type { Span } from '../analysis/types.js';
import { frameworks } from '../config/frameworks/index.js';
import type { FrameworkName } from '../config/types.js';
import type { DownMigration, RollbackFramework } from './types.js';

export type { DownMigration, RollbackFramework } from './types.js';

/** How `findDown` reads the file system; tests pass a fake. */
export interface DownFs {
  exists(path: string): boolean;
  read(path: string): string | undefined;
  list(dir: string): string[];
}

export const nodeFs: DownFs = {
  exists: (p) => existsSync(p),
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  list: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  },
};

const GOOSE_UP = /^[ \t]*--[ \t]*\+goose[ \t]+up\b.*$/im;
const GOOSE_DOWN = /^[ \t]*--[ \t]*\+goose[ \t]+down\b.*$/im;
const DBMATE_UP = /^[ \t]*--[ \t]*migrate:up\b.*$/im;
const DBMATE_DOWN = /^[ \t]*--[ \t]*migrate:down\b.*$/im;
const FLYWAY = /^V(\d+(?:[._]\d+)*)__(.+\.sql)$/i;

/** goose and dbmate keep up and down in one file, after marker comments. */
export function sectionMarkers(text: string): { framework: 'goose' | 'dbmate'; down?: Span; label: string } | undefined {
  for (const [framework, up, down, label] of [
    ['goose', GOOSE_UP, GOOSE_DOWN, '-- +goose Down'],
    ['dbmate', DBMATE_UP, DBMATE_DOWN, '-- migrate:down'],
  ] as const) {
    if (!up.test(text)) continue;
    const m = down.exec(text);
    return { framework, label, down: m ? { start: m.index, end: text.length } : undefined };
  }
  return undefined;
}

/** The text with everything outside `keep` replaced by spaces; newlines stay, so offsets and lines do not move. */
export function blankOutside(text: string, keep: Span): string {
  const blank = (s: string) => s.replace(/[^\n\r]/g, ' ');
  return blank(text.slice(0, keep.start)) + text.slice(keep.start, keep.end) + blank(text.slice(keep.end));
}

/**
 * Finds the down migration of the up migration at `path`. Returns undefined for a file that is itself a down
 * (or undo) migration. `framework` (from a preset) overrides detection by name.
 */
export function findDown(path: string, text: string, opts: { framework?: RollbackFramework; fs?: DownFs } = {}): DownMigration | undefined {
  const fs = opts.fs ?? nodeFs;
  const name = basename(path);
  const dir = dirname(path);
  if (isDownFile(path, opts.framework)) return undefined;
  const fw = opts.framework;
  const preset = fw && fw in frameworks ? frameworks[fw as FrameworkName] : undefined;
  if (preset) return fromPreset(preset, path, text, fs);
  const markers = sectionMarkers(text);
  if (markers && (!fw || fw === markers.framework || fw === 'unknown')) {
    if (!markers.down) return { framework: markers.framework, expected: true, kind: 'section', path, label: markers.label, state: 'missing' };
    const span = markers.down;
    const downText = blankOutside(text, span);
    return {
      framework: markers.framework, expected: true, kind: 'section', path, label: markers.label, text: downText, span,
      upSpan: { start: 0, end: span.start }, state: classifyDown(downText),
    };
  }
  if (fw === 'goose' || fw === 'dbmate') {
    const label = fw === 'goose' ? '-- +goose Down' : '-- migrate:down';
    return { framework: fw, expected: true, kind: 'section', path, label, state: 'missing' };
  }
  const file = (framework: RollbackFramework, downPath: string, expected = true) => fileDown(framework, downPath, fs, expected);
  const gm = /^(.+)\.up\.sql$/i.exec(name);
  if (gm && (!fw || fw === 'golang-migrate' || fw === 'unknown')) return file('golang-migrate', join(dir, `${gm[1]}.down.sql`));
  if (name.toLowerCase() === 'up.sql' && (!fw || fw === 'diesel' || fw === 'unknown')) return file('diesel', join(dir, 'down.sql'));
  const fly = FLYWAY.exec(name);
  if (fly && (!fw || fw === 'flyway' || fw === 'unknown')) {
    // Undo migrations are a Flyway Teams feature: only a project that writes them (some U file exists) expects one.
    const siblings = fs.list(dir);
    const undo = siblings.find((s) => new RegExp(`^U${fly[1].replace(/\./g, '\\.')}__`, 'i').test(s));
    const usesUndo = siblings.some((s) => /^U\d+(?:[._]\d+)*__.+\.sql$/i.test(s));
    return file('flyway', join(dir, undo ?? `U${fly[1]}__${fly[2]}`), usesUndo);
  }
  if (name.toLowerCase() === 'migration.sql' || fw === 'prisma') {
    return { framework: 'prisma', expected: false, kind: 'file', path, label: 'Prisma has no down migrations', state: 'missing' };
  }
  return undefined;
}

/** A file that is the rollback of another, and so not itself pending as an up migration. */
export function isDownFile(path: string, framework?: string): boolean {
  const name = basename(path);
  if (framework === 'sqitch') return /[\\/](revert|verify)[\\/]/.test(path);
  return /\.down\.sql$/i.test(name) || name.toLowerCase() === 'down.sql' || /^U\d+(?:[._]\d+)*__.+\.sql$/i.test(name);
}

function fileDown(framework: RollbackFramework, downPath: string, fs: DownFs, expected = true): DownMigration {
  if (!fs.exists(downPath)) return { framework, expected, kind: 'file', path: downPath, label: basename(downPath), state: 'missing' };
  const t = fs.read(downPath) ?? '';
  return { framework, expected, kind: 'file', path: downPath, label: basename(downPath), text: t, state: classifyDown(t) };
}

/** Discovery through a framework preset (src/config/frameworks), which knows where its framework keeps downs. */
function fromPreset(preset: (typeof frameworks)[FrameworkName], path: string, text: string, fs: DownFs): DownMigration | undefined {
  const fw = preset.name as RollbackFramework;
  if (!preset.isMigration(path)) return undefined;
  if (fw === 'prisma' || fw === 'rails') return { framework: fw, expected: false, kind: 'file', path, label: `${preset.label} has no down migrations`, state: 'missing' };
  const loc = preset.downFor(path, text);
  const sectionLabel = fw === 'goose' ? '-- +goose Down' : '-- migrate:down';
  if (!loc) {
    if (fw === 'goose' || fw === 'dbmate') return { framework: fw, expected: true, kind: 'section', path, label: sectionLabel, state: 'missing' };
    if (fw === 'flyway') {
      const m = FLYWAY.exec(basename(path));
      const usesUndo = fs.list(dirname(path)).some((s) => /^U\d+(?:[._]\d+)*__.+\.sql$/i.test(s));
      return m ? { framework: fw, expected: usesUndo, kind: 'file', path: join(dirname(path), `U${m[1]}__${m[2]}`), label: `U${m[1]}__${m[2]}`, state: 'missing' } : undefined;
    }
    return undefined;
  }
  if (loc.kind === 'section') {
    const downText = blankOutside(text, loc.span);
    return { framework: fw, expected: true, kind: 'section', path, label: sectionLabel, text: downText, span: loc.span, upSpan: { start: 0, end: loc.span.start }, state: classifyDown(downText) };
  }
  return fileDown(fw, loc.path, fs);
}

/**
 * Whether a down migration does anything: `empty` when it has no statement besides transaction control (comments
 * only, `BEGIN; COMMIT;`), `raises` when its statements only raise an error (the common "irreversible" marker).
 */
export function classifyDown(text: string): 'present' | 'empty' | 'raises' {
  const statements = parseSource(text).statements.filter((s) => s.kind !== 'TransactionStmt');
  if (statements.length === 0) return 'empty';
  if (statements.every(raisesOnly)) return 'raises';
  return 'present';
}

const RAISE = /\braise\b((?:[^;']|'(?:[^']|'')*')*);?/gi;

function raisesOnly(s: { kind: string; node: any; text: string }): boolean {
  if (s.kind === 'DoStmt') {
    const body: string = (s.node?.args ?? []).map((a: any) => (a.DefElem?.defname === 'as' ? a.DefElem.arg?.String?.sval ?? '' : '')).join('');
    // PL/pgSQL: `RAISE 'msg'` without a level, `RAISE EXCEPTION`, `RAISE SQLSTATE …` and `RAISE <condition>` all
    // abort; NOTICE, WARNING, INFO, LOG and DEBUG only print. A body that does nothing but raise undoes nothing.
    const raises = [...body.matchAll(RAISE)];
    const rest = body.replace(RAISE, '').replace(/\b(begin|end|declare)\b|;|\s/gi, '');
    return rest === '' && raises.some((m) => !/^\s*(notice|warning|info|log|debug)\b/i.test(m[1]));
  }
  // `SELECT 1/0`, `SELECT raise_error(…)`: only the explicit forms.
  if (s.kind === 'SelectStmt') return /^\s*select\s+1\s*\/\s*0\s*$/i.test(s.text);
  return false;
}

export const FRAMEWORK_LABEL: Record<RollbackFramework, string> = {
  'golang-migrate': 'golang-migrate', goose: 'goose', dbmate: 'dbmate', flyway: 'Flyway', diesel: 'diesel', sqitch: 'Sqitch', prisma: 'Prisma', rails: 'Rails', unknown: 'this',
};
