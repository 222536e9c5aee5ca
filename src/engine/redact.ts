// Secrets found in a file (a literal password in `CREATE ROLE … PASSWORD '…'`) must never reach any output. They
// are found by the rules (`Report.redact`), by the statement's AST and by their shape in the raw text, whether or
// not any rule is on. The engine masks them in everything a reporter can print from the file's result: source
// lines (snippets), the parsed text, each statement's text, and the findings' messages and help. Output sinks
// mask them once more by value (src/report/mask.ts), so nothing that bypasses a result leaks them either.
import type { AnalysedStatement, Span } from '../analysis/types.js';
import { secretSpans } from '../analysis/secrets.js';
import { LineIndex, type ParsedSource, type SourceStatement } from '../source/index.js';
import { rememberValues, secretShapes, SECRET_HINT } from '../source/secrets.js';

export const MASK_CHAR = '*';

/** `text` (which starts at file offset `base`) with every character inside `spans` replaced by `*`; lengths and newlines are kept. */
export function maskText(text: string, spans: readonly Span[], base = 0): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const parts: string[] = [];
  let at = 0;
  for (const s of sorted) {
    const from = Math.max(at, s.start - base);
    const to = Math.min(text.length, s.end - base);
    if (to <= from) continue;
    parts.push(text.slice(at, from), text.slice(from, to).replace(/[^\n\r]/g, MASK_CHAR));
    at = to;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Every secret in a parsed file: by shape in the whole text, and from each statement's AST (DO bodies included). */
export function fileSecretSpans(parsed: ParsedSource, statements: readonly SourceStatement[] = parsed.statements): { spans: Span[]; values: string[] } {
  const spans: Span[] = [];
  const values: string[] = [];
  for (const s of secretShapes(parsed.text)) {
    spans.push({ start: s.start, end: s.end });
    if (s.decoded !== undefined) values.push(s.decoded);
  }
  for (const st of statements) {
    if (!st.node || !SECRET_HINT.test(st.text)) continue;
    spans.push(...secretSpans(st));
  }
  for (const r of spans) values.push(parsed.text.slice(r.start, r.end));
  return { spans, values };
}

interface Masked { message: string; help?: string; redact?: Span[]; related?: Array<{ message: string; help?: string }> }

/**
 * The parsed source, analysed statements and findings with every secret masked; statements that hold no secret
 * are kept as they are.
 */
export function redactResult<F extends Masked>(parsed: ParsedSource, analysed: AnalysedStatement[], findings: F[], sources: readonly SourceStatement[] = analysed.map((a) => a.source)): { parsed: ParsedSource; analysed: AnalysedStatement[]; findings: F[] } {
  const found = fileSecretSpans(parsed, sources);
  const spans = [...findings.flatMap((f) => f.redact ?? []), ...found.spans];
  if (spans.length === 0) return { parsed, analysed, findings };
  const values = [...new Set([...found.values, ...spans.map((r) => parsed.text.slice(r.start, r.end))])].filter((v) => v.length >= 3);
  rememberValues(values);
  const hide = (s: string | undefined) => (s === undefined ? s : hideValues(s, values));
  const text = maskText(parsed.text, spans);
  const overlaps = overlapTest(spans);
  const copies = new Map<SourceStatement, SourceStatement>();
  const maskStmt = (s: SourceStatement): SourceStatement => {
    if (!overlaps(s)) return s;
    let c = copies.get(s);
    if (!c) {
      // The AST still holds the literal: drop it, reporters only need kind and position.
      c = { ...s, text: maskText(s.text, spans, s.start), node: null, ...(s.error ? { error: { ...s.error, message: hide(s.error.message)! } } : {}) };
      copies.set(s, c);
    }
    return c;
  };
  return {
    parsed: { ...parsed, text, lines: new LineIndex(text), statements: parsed.statements.map(maskStmt) },
    analysed: analysed.map((a) => (overlaps(a.source) ? { ...a, source: maskStmt(a.source), actions: a.actions.map((x) => ({ ...x, node: undefined })) } : a)),
    findings: findings.map((f) => {
      const message = hide(f.message)!;
      const help = hide(f.help);
      // Folded notes (engine foldRelated) carry another rule's message and help: masked the same way.
      const related = f.related?.map((n) => ({ ...n, message: hide(n.message)!, ...(n.help !== undefined ? { help: hide(n.help) } : {}) }));
      return message === f.message && help === f.help && !related ? f : { ...f, message, ...(help !== undefined ? { help } : {}), ...(related ? { related } : {}) };
    }),
  };
}

/** `s` with each of `values` replaced by `*`s (longest first, so a value inside another is not half-masked). */
export function hideValues(s: string, values: readonly string[]): string {
  let out = s;
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    if (out.includes(v)) out = out.split(v).join(MASK_CHAR.repeat(v.length));
  }
  return out;
}

/** A test "does [start, end) overlap any span", in log time per call. */
function overlapTest(spans: readonly Span[]): (s: { start: number; end: number }) => boolean {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const maxEnd: number[] = [];
  for (const r of sorted) maxEnd.push(Math.max(r.end, maxEnd[maxEnd.length - 1] ?? -1));
  return (s) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].start < s.end) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found >= 0 && maxEnd[found] > s.start;
  };
}
