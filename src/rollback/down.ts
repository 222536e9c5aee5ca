// The down migration of an up migration, where its framework keeps it. The framework presets
// (src/config/frameworks) own the naming and markers: the configured one decides, and without one the preset
// that recognises the file by its name or markers does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
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

type Preset = (typeof frameworks)[FrameworkName];

const presetOf = (framework: string | undefined): Preset | undefined => (framework && framework in frameworks ? frameworks[framework as FrameworkName] : undefined);

// The presets a file can be recognised by without a configured framework. Markers in the text (goose, dbmate) are
// surer than names, so the sectioned ones are tried first.
const RECOGNISABLE = Object.values(frameworks)
  .filter((p) => p.recognise)
  .sort((a, b) => Number(b.downs.in === 'section') - Number(a.downs.in === 'section'));

/** goose and dbmate keep up and down in one file, after marker comments (their presets say which). */
export function sectionMarkers(text: string): { framework: 'goose' | 'dbmate'; down?: Span; label: string } | undefined {
  for (const p of RECOGNISABLE) {
    if (p.downs.in !== 'section' || !p.recognise!('', text)) continue;
    const loc = p.downFor('', text);
    return { framework: p.name as 'goose' | 'dbmate', label: p.downs.marker, down: loc?.kind === 'section' ? loc.span : undefined };
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
 * (or undo) migration. `framework` (from a preset) overrides recognition by names and markers.
 */
export function findDown(path: string, text: string, opts: { framework?: RollbackFramework; fs?: DownFs } = {}): DownMigration | undefined {
  const fs = opts.fs ?? nodeFs;
  if (isDownFile(path, opts.framework)) return undefined;
  const configured = presetOf(opts.framework);
  if (configured) return configured.isMigration(path) ? fromPreset(configured, path, text, fs) : undefined;
  const recognised = RECOGNISABLE.find((p) => p.recognise!(path, text));
  return recognised && fromPreset(recognised, path, text, fs);
}

/** A file that is the rollback of another, and so not itself pending as an up migration. */
export function isDownFile(path: string, framework?: string): boolean {
  const p = presetOf(framework);
  // Sqitch's revert/ and verify/ are ordinary directory names elsewhere: its downs count only when it is configured.
  if (p?.isDown && !p.recognise) return p.isDown(path);
  return RECOGNISABLE.some((r) => r.isDown?.(path));
}

function fileDown(framework: RollbackFramework, downPath: string, fs: DownFs, expected = true): DownMigration {
  if (!fs.exists(downPath)) return { framework, expected, kind: 'file', path: downPath, label: basename(downPath), state: 'missing' };
  const t = fs.read(downPath) ?? '';
  return { framework, expected, kind: 'file', path: downPath, label: basename(downPath), text: t, state: classifyDown(t) };
}

/** The down of `path` where its framework's preset (src/config/frameworks) keeps it. */
function fromPreset(preset: Preset, path: string, text: string, fs: DownFs): DownMigration | undefined {
  const fw = preset.name as RollbackFramework;
  const downs = preset.downs;
  if (downs.in === 'none') return { framework: fw, expected: false, kind: 'file', path, label: `${preset.label} has no down migrations`, state: 'missing' };
  const loc = preset.downFor(path, text, fs.list);
  if (downs.in === 'section') {
    if (loc?.kind !== 'section') return { framework: fw, expected: true, kind: 'section', path, label: downs.marker, state: 'missing' };
    const downText = blankOutside(text, loc.span);
    return { framework: fw, expected: true, kind: 'section', path, label: downs.marker, text: downText, span: loc.span, upSpan: { start: 0, end: loc.span.start }, state: classifyDown(downText) };
  }
  if (loc?.kind === 'file') return fileDown(fw, loc.path, fs);
  const missing = preset.missingDown?.(path, fs.list);
  return missing && { framework: fw, expected: missing.expected, kind: 'file', path: missing.path, label: basename(missing.path), state: 'missing' };
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

/** How users write each framework's name (the presets' labels); `unknown` reads "this migration's framework". */
export const FRAMEWORK_LABEL = {
  ...Object.fromEntries(Object.values(frameworks).map((p) => [p.name, p.label])),
  unknown: 'this',
} as Record<RollbackFramework, string>;
