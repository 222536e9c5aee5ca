import type { FileOptions } from '../analysis/analyzer.js';
import type { FileResult, Finding } from '../engine/engine.js';
import { maskText } from '../engine/redact.js';
import { LineIndex, parseSource } from '../source/index.js';
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
    const statements = ['golang-migrate', 'flyway', 'prisma'].includes(framework.name) ? topLevelStatements(text) : [];
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

/**
 * Maps a result of linting `prepared.text` back onto the file's own text:
 * offsets, lines and columns, snippets and redactions; fixes touching a
 * placeholder are dropped (they would edit the substituted value). Adds a
 * finding per placeholder with no configured value.
 */
export function remapResult(result: FileResult, original: string, prepared: PreparedText, placeholderSeverity: Finding['severity'] | undefined): FileResult {
  const sub = prepared.substitution;
  if (sub.replacements.length === 0) return result;
  const lines = new LineIndex(original);
  const at = (start: number, end: number) => {
    const s = lines.position(start);
    const e = lines.position(Math.max(start, end));
    return { start, end, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  };
  const findings: Finding[] = result.findings.map((f) => {
    const start = sub.toOriginal(f.start, 'start');
    const end = sub.toOriginal(f.end, 'end');
    const out: Finding = { ...f, ...at(start, end) };
    if (f.fix) {
      if (f.fix.edits.some((e) => sub.touches(e))) delete out.fix;
      else out.fix = { ...f.fix, edits: f.fix.edits.map((e) => ({ ...e, start: sub.toOriginal(e.start, 'start'), end: sub.toOriginal(e.end, 'end') })) };
    }
    if (f.redact) out.redact = f.redact.map((r) => ({ start: sub.toOriginal(r.start, 'start'), end: sub.toOriginal(r.end, 'end') }));
    return out;
  });
  if (placeholderSeverity) {
    for (const r of sub.replacements) {
      if (!r.unresolved) continue;
      const what = r.syntax === 'flyway' ? 'Flyway placeholder' : 'Go template expression';
      findings.push({
        rule: 'syntax-error',
        severity: placeholderSeverity,
        message: `${what} \`${r.raw}\` has no value, so the file was linted with \`${r.value}\` in its place`,
        help: `Give it a value in pgsafe.config.json:\n"placeholders": { ${JSON.stringify(r.name)}: "…" }`,
        file: result.path,
        statement: -1,
        ...at(r.start, r.end),
      });
    }
    findings.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  }
  const spans = findings.flatMap((f) => f.redact ?? []);
  const shown = spans.length ? maskText(original, spans) : original;
  return {
    ...result,
    findings,
    parsed: result.parsed ? { ...result.parsed, text: shown, lines: new LineIndex(shown) } : undefined,
  };
}
