// Secrets found in a file (a literal password in `CREATE ROLE … PASSWORD '…'`) must never reach any output. Rules
// mark them with `Report.redact`; the engine then masks them in everything a reporter can print from the file's
// result: source lines (snippets), the parsed text and each statement's text.
import type { AnalysedStatement, Span } from '../analysis/types.js';
import { LineIndex, type ParsedSource, type SourceStatement } from '../source/index.js';

export const MASK_CHAR = '*';

/** `text` (which starts at file offset `base`) with every character inside `spans` replaced by `*`; lengths and newlines are kept. */
export function maskText(text: string, spans: readonly Span[], base = 0): string {
  let out = text;
  for (const s of spans) {
    const from = Math.max(0, s.start - base);
    const to = Math.min(text.length, s.end - base);
    if (to <= from) continue;
    out = out.slice(0, from) + out.slice(from, to).replace(/[^\n\r]/g, MASK_CHAR) + out.slice(to);
  }
  return out;
}

/** The parsed source and analysed statements with the spans masked; statements that hold no secret are kept as they are. */
export function redactResult(parsed: ParsedSource, analysed: AnalysedStatement[], spans: readonly Span[]): { parsed: ParsedSource; analysed: AnalysedStatement[] } {
  if (spans.length === 0) return { parsed, analysed };
  const text = maskText(parsed.text, spans);
  const overlaps = (s: SourceStatement) => spans.some((r) => r.start < s.end && r.end > s.start);
  const copies = new Map<SourceStatement, SourceStatement>();
  const maskStmt = (s: SourceStatement): SourceStatement => {
    if (!overlaps(s)) return s;
    let c = copies.get(s);
    if (!c) {
      // The AST still holds the literal: drop it, reporters only need kind and position.
      c = { ...s, text: maskText(s.text, spans, s.start), node: null };
      copies.set(s, c);
    }
    return c;
  };
  return {
    parsed: { ...parsed, text, lines: new LineIndex(text), statements: parsed.statements.map(maskStmt) },
    analysed: analysed.map((a) => (overlaps(a.source) ? { ...a, source: maskStmt(a.source), actions: a.actions.map((x) => ({ ...x, node: undefined })) } : a)),
  };
}
