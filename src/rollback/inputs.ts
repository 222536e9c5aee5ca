// Prepares lint inputs for rollback checks: each up migration learns its down (`LintInput.down`, read by
// require-down-migration as `ctx.down`) and carries it as `LintInput.rollback`, which the engine lints right after
// the up as the rollback path. Positions in the input array never change, so callers that map results back to
// inputs by index (src/project's lintProject) keep working.
import { resolve } from 'node:path';
import type { FileResult, LintInput } from '../engine/engine.js';
import { initParser } from '../source/index.js';
import { blankOutside, findDown, isDownFile, nodeFs, sectionMarkers, type DownFs } from './down.js';
import type { RollbackFramework } from './types.js';

export interface WithRollbackOptions {
  /** The project's framework (`--framework` or the config's `framework`); detected per file from names and markers otherwise. */
  framework?: RollbackFramework | string;
  /** Per-file framework (config overrides); wins over `framework`. */
  frameworkOf?: (path: string) => string | undefined;
  /** Lint each down migration as the rollback path (default true). */
  lintDown?: boolean;
  fs?: DownFs;
}

/**
 * Returns the inputs, same length and order, with rollback information:
 * - an up migration gets `down` (what and where its down is) and, when there is one, `rollback` (the down, to lint);
 * - a goose/dbmate file keeps only its up section in the forward text (the down section is blanked, lines kept);
 * - a down file given among the inputs (`*.down.sql`, diesel `down.sql`, Flyway `U…__`) whose up is also there is
 *   analysed on a copy of the schema and not linted (it is linted once, as its up's rollback path): running it
 *   between the ups would undo the schema the later files see. A down file given alone is linted as a rollback path.
 */
export async function withRollback(inputs: LintInput[], opts: WithRollbackOptions = {}): Promise<LintInput[]> {
  await initParser();
  return withRollbackSync(inputs, opts);
}

/** `withRollback` once `initParser()` has run. */
export function withRollbackSync(inputs: LintInput[], opts: WithRollbackOptions = {}): LintInput[] {
  const fs = opts.fs ?? nodeFs;
  const lintDown = opts.lintDown ?? true;
  const fwOf = (path: string) => (opts.frameworkOf?.(path) ?? opts.framework) as RollbackFramework | undefined;
  const paired = new Map<string, string>();
  const prepared = inputs.map((input) => {
    const fw = fwOf(input.path);
    if (input.text === undefined || input.rollbackOf || isDownFile(input.path, fw)) return { input };
    // A preset may have blanked the down section already (goose, dbmate): discover it in the file as written.
    const m = sectionMarkers(input.text);
    const original = m && !m.down ? fs.read(input.path) ?? input.text : input.text;
    const down = findDown(input.path, original, { framework: fw, fs });
    if (down?.kind === 'file' && down.state !== 'missing') paired.set(resolve(down.path), input.path);
    return { input, down };
  });
  return prepared.map(({ input, down }) => {
    if (input.rollbackOf) return input;
    if (isDownFile(input.path, fwOf(input.path))) {
      const up = paired.get(resolve(input.path));
      return up ? { ...input, rollbackOf: up, lint: false } : { ...input, rollbackOf: input.path };
    }
    if (!down) return input;
    const text = input.text!;
    // Only the framework's own markers end the forward part: a foreign one (a goose marker under dbmate) hides nothing.
    const found = down.kind === 'section' ? sectionMarkers(text) : undefined;
    const marker = found?.framework === down.framework ? found.down : undefined;
    const forward: LintInput = marker ? { ...input, text: blankOutside(text, { start: 0, end: marker.start }) } : { ...input };
    if (input.lint === false) return forward;
    forward.down = down;
    if (lintDown && down.text !== undefined && down.state !== 'missing') {
      forward.rollback = { path: down.path, text: down.text, rollbackOf: input.path, fileOptions: input.fileOptions, ruleSettings: input.ruleSettings };
    }
    return forward;
  });
}

/**
 * The results in report order: each file, then its rollback path. Down files that were only analysed (linted as
 * their up's rollback path instead) are left out: pass the inputs given to `lint`.
 */
export function flattenRollback(results: FileResult[], inputs: LintInput[] = []): FileResult[] {
  const analysedOnly = new Set(inputs.filter((i) => i.rollbackOf && i.lint === false).map((i) => i.path));
  const out: FileResult[] = [];
  for (const r of results) {
    if (!(analysedOnly.has(r.path) && !r.parsed)) out.push(r);
    if (r.rollback) out.push(r.rollback);
  }
  return out;
}
