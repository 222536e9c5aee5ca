// Lints a migration set: every file learns its down migration, which is linted as its rollback path; the
// results come back mapped onto the files' own text (placeholders, blanked sections), in report order.
import type { SchemaModel } from '../analysis/schema.js';
import { lintSync, ruleIds, type FileResult, type LintInput, type RuleSetting } from '../engine/engine.js';
import type { Rule, Severity } from '../engine/rule.js';
import { initParser } from '../source/index.js';
import type { PreparedText } from '../config/prepare.js';
import { remapResult } from './remap.js';
import { substitutePlaceholders } from '../config/placeholders.js';
import type { DownFs } from '../rollback/down.js';
import { flattenRollback, withRollbackSync } from '../rollback/inputs.js';
import type { MigrationSet } from './discover.js';

export interface LintProjectOptions {
  rules: readonly Rule[];
  /** Rule severities for every file (under the files' own settings); the editor's, for the language server. */
  ruleSettings?: Record<string, RuleSetting>;
  /** The schema the migrations before the set leave (the language server analyses them once and reuses it). */
  schema?: SchemaModel;
  /** How down migrations are found and read; an editor passes its open buffers. */
  fs?: DownFs;
  /** `findings`: results without analysed statements, for a report (see `LintOptions.retain`). */
  retain?: 'all' | 'findings';
}

export interface ProjectResult {
  /** Each linted file, then its rollback path; history files are not reported. */
  files: FileResult[];
  notes: string[];
}

export async function lintProject(set: MigrationSet, o: LintProjectOptions): Promise<ProjectResult> {
  await initParser();
  return lintProjectSync(set, o);
}

/** `lintProject` once `initParser()` has run. */
export function lintProjectSync(set: MigrationSet, o: LintProjectOptions): ProjectResult {
  const inputs: LintInput[] = set.files.map((f) => {
    if (f.prepared === undefined) return { path: f.path, error: f.error };
    const input: LintInput = { path: f.path, text: f.prepared.text, fileOptions: { ...f.prepared.fileOptions, ...(f.pending ? { pending: true } : {}) } };
    if (!f.lint) input.lint = false;
    if (Object.keys(f.settings.rules).length) input.ruleSettings = f.settings.rules;
    return input;
  });
  const withDown = withRollbackSync(inputs, { framework: set.framework, frameworkOf: (p) => set.resolver.forFile(p).framework, fs: o.fs });

  // Down migrations get their placeholders substituted like their ups; their results are mapped back below.
  const downs = new Map<number, { original: string; prep: PreparedText }>();
  const substitute = (path: string, text: string) => {
    const s = set.resolver.forFile(path);
    return substitutePlaceholders(text, s.placeholders, { flyway: s.framework === 'flyway' });
  };
  const ready = withDown.map((input, i) => {
    let out = input;
    // Rules compare the down with the up (`ctx.down`): the same values as the up file.
    if (input.down?.text !== undefined) {
      const sub = substitute(input.down.path, input.down.text);
      if (sub.replacements.length) out = { ...out, down: { ...input.down, text: sub.text } };
    }
    const down = input.rollback;
    if (!down || down.text === undefined) return out;
    const substitution = substitute(down.path, down.text);
    if (substitution.replacements.length === 0) return out;
    downs.set(i, { original: down.text, prep: { text: substitution.text, fileOptions: down.fileOptions ?? {}, substitution } });
    return { ...out, rollback: { ...down, text: substitution.text } };
  });

  const results = lintSync(ready, { rules: o.rules, pgVersion: set.pgVersion, assumeInTransaction: set.assumeInTransaction, ruleSettings: o.ruleSettings ?? {}, schema: o.schema, retain: o.retain });
  const mapped: FileResult[] = [];
  results.forEach((r, i) => {
    const input = ready[i];
    if (input.lint === false) return;
    const sev = placeholderSeverity(o.rules, { ...o.ruleSettings, ...input.ruleSettings });
    const down = downs.get(i);
    if (r.rollback && down) r = { ...r, rollback: remapResult(r.rollback, down.original, down.prep, sev) };
    const file = set.files[i];
    mapped.push(file?.prepared && file.original !== undefined ? remapResult(r, file.original, file.prepared, sev) : r);
  });
  return { files: flattenRollback(mapped, ready), notes: set.notes };
}

/** Unresolved placeholders are reported under syntax-error, at its configured severity. */
function placeholderSeverity(rules: readonly Rule[], settings: Record<string, RuleSetting>): Severity | undefined {
  const s = settings['syntax-error'];
  if (s === 'off') return undefined;
  if (s) return s;
  return ruleIds(rules).get('syntax-error')?.meta.defaultSeverity ?? 'error';
}
