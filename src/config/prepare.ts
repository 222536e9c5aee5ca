import type { FileOptions } from '../analysis/analyzer.js';
import { parseSource } from '../source/index.js';
import { frameworks, type FrameworkPreset } from './frameworks/index.js';
import type { StatementText } from './frameworks/types.js';
import { substitutePlaceholders, type Substituted } from './placeholders.js';
import type { FileSettings } from './resolve.js';

/** A file made ready for the engine: framework semantics applied, placeholders substituted. */
export interface PreparedText {
  /** The text to hand to `lint()` (placeholders replaced, non-forward sections blanked). */
  text: string;
  fileOptions: FileOptions;
  framework?: FrameworkPreset;
  substitution: Substituted;
}

/**
 * Applies a file's framework preset and placeholders. `parseSource` must be
 * usable (`initParser()` has run). `assumeInTransaction` from the command line
 * wins over the framework, which wins over the config's `assumeInTransaction`.
 */
export function prepareText(path: string, text: string, settings: FileSettings, cliAssumeInTransaction?: boolean): PreparedText {
  const framework = settings.framework ? frameworks[settings.framework] : undefined;
  let body = text;
  const fileOptions: FileOptions = {};
  if (framework) {
    const statements = framework.name === 'golang-migrate' || framework.name === 'flyway' ? topLevelStatements(text) : [];
    const p = framework.prepare(path, text, statements);
    body = p.text;
    fileOptions.inTransaction = p.inTransaction;
    if (p.inTransaction) fileOptions.transactionOptOut = p.optOut;
    if (p.inTransaction && p.implicit) fileOptions.implicitTransaction = true;
  } else if (settings.assumeInTransaction !== undefined) {
    fileOptions.inTransaction = settings.assumeInTransaction;
  }
  if (cliAssumeInTransaction !== undefined) fileOptions.inTransaction = cliAssumeInTransaction;
  const substitution = substitutePlaceholders(body, settings.placeholders, { flyway: framework?.name === 'flyway' });
  return { text: substitution.text, fileOptions, framework, substitution };
}

function topLevelStatements(text: string): StatementText[] {
  return parseSource(text).statements.map((s) => ({ kind: s.kind, text: s.text }));
}
