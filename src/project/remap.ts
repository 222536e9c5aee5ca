// Results of linting a prepared text (placeholders substituted, sections blanked), mapped back onto the file as written.
import type { FileResult, Finding } from '../engine/engine.js';
import { maskText } from '../engine/redact.js';
import { secretShapes } from '../source/secrets.js';
import { LineIndex } from '../source/index.js';
import type { PreparedText } from '../config/prepare.js';

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
  // Secrets by shape too, whatever the rules reported (see engine/redact.ts).
  const spans = [...findings.flatMap((f) => f.redact ?? []), ...secretShapes(original)];
  const shown = spans.length ? maskText(original, spans) : original;
  return {
    ...result,
    findings,
    parsed: result.parsed ? { ...result.parsed, text: shown, lines: new LineIndex(shown) } : undefined,
  };
}
