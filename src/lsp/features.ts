// Findings and analysed statements → LSP shapes. Pure functions over one linted document.
import type { CodeAction, Diagnostic, DiagnosticSeverity, Hover, Range, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysedStatement } from '../analysis/types.js';
import { blockedText, costText, lockSqlName } from '../analysis/locks.js';
import type { FileResult, Finding } from '../engine/engine.js';
import { ruleDocsUrl, type Rule, type Severity } from '../engine/rule.js';
import type { SourceStatement } from '../source/index.js';
import { label } from '../engine/sql.js';

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, info: 3 };

/**
 * Maps offsets of the linted text to the document's. They differ only when placeholders
 * were substituted (findings are already remapped; statements and comments are not).
 */
export type OffsetMap = (offset: number, side: 'start' | 'end') => number;
const IDENTITY: OffsetMap = (o) => o;

/** Finding offsets are UTF-16 string offsets, which is what LSP positions count in by default. */
export function findingRange(doc: TextDocument, f: Finding): Range {
  return { start: doc.positionAt(f.start), end: doc.positionAt(Math.max(f.start, f.end)) };
}

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  return {
    range: findingRange(doc, f),
    severity: SEVERITY[f.severity],
    code: f.rule,
    codeDescription: { href: ruleDocsUrl(f.rule) },
    source: 'pgsafe',
    message: f.message,
  };
}

function covers(start: number, end: number, offset: number): boolean {
  return start <= offset && offset <= Math.max(start, end);
}

/** The innermost analysed statement whose text (its `;` included) contains `offset`. */
export function statementAt(analysed: readonly AnalysedStatement[], offset: number, map: OffsetMap = IDENTITY): { stmt: AnalysedStatement; start: number; end: number } | undefined {
  let best: { stmt: AnalysedStatement; start: number; end: number } | undefined;
  for (const a of analysed) {
    const start = map(a.source.start, 'start');
    const end = map(a.source.end, 'end');
    if (!covers(start, end, offset)) continue;
    if (!best || end - start < best.end - best.start) best = { stmt: a, start, end };
  }
  return best;
}

function helpMarkdown(help: string): string {
  const [first, ...rest] = help.split('\n');
  const sql = rest.join('\n').trim();
  return sql ? `${first}\n\n\`\`\`sql\n${sql}\n\`\`\`` : first;
}

function findingMarkdown(f: Finding, rule: Rule | undefined): string {
  const out = [`**pgsafe \`${f.rule}\`** (${f.severity})`, '', f.message];
  if (f.estimate) out.push('', `⏱ ${f.estimate.text}`);
  if (rule) out.push('', `*${rule.meta.docs.summary}.*`, '', rule.meta.docs.why);
  if (f.help) out.push('', helpMarkdown(f.help));
  out.push('', `[Rule documentation](${ruleDocsUrl(f.rule)})`);
  return out.join('\n');
}

function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** What the statement locks and what that costs, from the analysis (no finding needed). */
export function statementMarkdown(a: AnalysedStatement): string {
  const out: string[] = ['**Locks taken by this statement**', ''];
  if (a.unanalyzed) out.push(`pgsafe could not analyse it: ${a.unanalyzed}.`, '');
  if (a.locks.length === 0) out.push('No table-level locks.');
  for (const l of a.locks) {
    const effect = l.isNew ? 'the table is new in this migration, so nothing else is using it' : `blocks ${blockedText(l.mode)}`;
    out.push(`- \`${lockSqlName(l.mode)}\` on ${label(l.rel)}: ${effect}`);
  }
  out.push('', `Cost: ${costText(a.cost)}.`);
  if (a.tx.inTransaction) {
    const held = a.tx.held.map((h) => `\`${lockSqlName(h.mode)}\` on ${label(h.rel)}`);
    out.push('', `Runs inside a transaction: its locks are held until the transaction ends.${held.length ? ` Already held from earlier statements: ${held.join(', ')}.` : ''}`);
  }
  if (a.locks.some((l) => !l.isNew)) {
    const lt = a.timeouts.lockTimeoutMs;
    out.push('', lt === null ? '`lock_timeout`: not set, so it waits for conflicting locks indefinitely while later queries queue behind it.' : `\`lock_timeout\`: ${duration(lt)}.`);
    const st = a.timeouts.statementTimeoutMs;
    out.push('', st === null ? '`statement_timeout`: not set, so nothing bounds how long it holds its locks.' : `\`statement_timeout\`: ${duration(st)}.`);
  }
  return out.join('\n');
}

/** Hover: every finding under the cursor, then the locks of the statement under it. */
export function hoverAt(doc: TextDocument, result: FileResult, offset: number, rulesById: ReadonlyMap<string, Rule>, map: OffsetMap = IDENTITY, rollback?: FileResult): Hover | null {
  const sections: string[] = [];
  let start = Infinity;
  let end = -1;
  for (const f of result.findings) {
    if (!covers(f.start, f.end, offset)) continue;
    sections.push(findingMarkdown(f, rulesById.get(f.rule)));
    start = Math.min(start, f.start);
    end = Math.max(end, f.end);
  }
  // In a down section (goose, dbmate) the statements are the rollback path's.
  const at = statementAt(result.analysed ?? [], offset, map) ?? statementAt(rollback?.analysed ?? [], offset);
  if (at) {
    sections.push(statementMarkdown(at.stmt));
    start = Math.min(start, at.start);
    end = Math.max(end, at.end);
  }
  if (sections.length === 0) return null;
  return { contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') }, range: { start: doc.positionAt(start), end: doc.positionAt(end) } };
}

/** The top-level statement a finding is about (a DO block, not the statement inside it), in document offsets. */
function topStatement(result: FileResult, index: number, map: OffsetMap): { index: number; start: number; prevEnd?: number } | undefined {
  const all = result.parsed?.statements ?? [];
  let s: SourceStatement | undefined = all.find((x) => x.index === index);
  while (s?.parent) s = s.parent;
  if (!s) return undefined;
  const k = all.indexOf(s);
  return { index: s.index, start: map(s.start, 'start'), prevEnd: k > 0 ? map(all[k - 1].end, 'end') : undefined };
}

/** The document's own line break, so inserted lines match it. */
function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * `-- pgsafe-ignore <rule>` on its own line above the statement, at the line's indentation.
 * `prevEnd`: where the statement before it ends, if any.
 */
export function ignoreStatementEdit(doc: TextDocument, start: number, prevEnd: number | undefined, rule: string): TextEdit {
  const text = doc.getText();
  const lineStart = lineStartOf(text, start);
  const indent = /^[ \t]*/.exec(text.slice(lineStart, start))![0];
  const comment = `-- pgsafe-ignore ${rule}`;
  const nl = eol(text);
  if (prevEnd === undefined || prevEnd < lineStart) {
    const at = doc.positionAt(lineStart);
    return { range: { start: at, end: at }, newText: `${indent}${comment}${nl}` };
  }
  // The statement before ends on the same line: break the line so the comment stands on its
  // own (a trailing comment would cover the statement before it).
  let ws = start;
  while (ws > lineStart && (text[ws - 1] === ' ' || text[ws - 1] === '\t')) ws--;
  return { range: { start: doc.positionAt(ws), end: doc.positionAt(start) }, newText: `${nl}${indent}${comment}${nl}${indent}` };
}

const FILE_DIRECTIVE = /^(\s*pgsafe-ignore-file)([^:]*?)(\s*(?::.*)?)$/s;

/** `-- pgsafe-ignore-file <rule>` at the top, or the rule appended to an existing file-wide ignore. */
export function ignoreFileEdit(doc: TextDocument, result: FileResult, rule: string, map: OffsetMap = IDENTITY): TextEdit {
  for (const c of result.parsed?.comments ?? []) {
    const m = FILE_DIRECTIVE.exec(c.body);
    if (!m || !/^\s/.test(m[2]) || !m[2].trim() || m[2].includes('--')) continue;
    const at = doc.positionAt(map(c.start, 'start') + 2 + m[1].length + m[2].length);
    return { range: { start: at, end: at }, newText: `, ${rule}` };
  }
  const top = doc.positionAt(0);
  return { range: { start: top, end: top }, newText: `-- pgsafe-ignore-file ${rule}${eol(doc.getText())}` };
}

const DIRECTIVE = /^(\s*(?:pgsafe|squawk)-ignore(?:-file)?)(\s+[^:]*?)?(\s*(?::.*|--.*)?)$/s;

/**
 * For an `unused-ignore` finding: remove the rule it names from the comment, or the whole
 * comment (and its line, when it stands alone) when that rule is the only one.
 */
export function removeIgnoreEdit(doc: TextDocument, f: Finding): { title: string; edit: TextEdit } | undefined {
  const text = doc.getText();
  const raw = text.slice(f.start, f.end);
  const open = raw.startsWith('--') ? 2 : raw.startsWith('/*') ? 2 : -1;
  if (open < 0) return undefined;
  const body = raw.startsWith('/*') ? raw.slice(2, raw.endsWith('*/') ? -2 : undefined) : raw.slice(2);
  const m = DIRECTIVE.exec(body);
  if (!m) return undefined;
  const named = /`([^`]+)`/.exec(f.message)?.[1];
  const list = m[2] ?? '';
  const ids = list.split(/[\s,]+/).filter(Boolean);
  if (named && ids.length > 1 && ids.some((id) => id.toLowerCase() === named.toLowerCase())) {
    // Drop one id from the list, with the comma that separates it.
    const kept = ids.filter((id) => id.toLowerCase() !== named.toLowerCase());
    const listStart = f.start + open + m[1].length;
    const newList = ` ${kept.join(', ')}`;
    return {
      title: `Remove \`${named}\` from the ignore comment`,
      edit: { range: { start: doc.positionAt(listStart), end: doc.positionAt(listStart + list.length) }, newText: newList },
    };
  }
  // The whole comment; its line too when nothing else is on it.
  const lineStart = text.lastIndexOf('\n', f.start - 1) + 1;
  let lineEnd = text.indexOf('\n', f.end);
  if (lineEnd < 0) lineEnd = text.length;
  const alone = /^[ \t]*$/.test(text.slice(lineStart, f.start)) && /^[ \t\r]*$/.test(text.slice(f.end, lineEnd));
  let start = f.start;
  let end = f.end;
  if (alone) {
    start = lineStart;
    end = lineEnd < text.length ? lineEnd + 1 : lineEnd;
  } else {
    while (start > lineStart && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  }
  return { title: 'Remove the unused ignore comment', edit: { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText: '' } };
}

function overlaps(f: Finding, start: number, end: number): boolean {
  return f.start <= end && start <= Math.max(f.start, f.end);
}

/** Quick fixes for the findings that overlap [start, end]: the rule's fix, then the two ignores. */
export function codeActionsFor(doc: TextDocument, result: FileResult, start: number, end: number, map: OffsetMap = IDENTITY, rollback?: FileResult): CodeAction[] {
  const actions: CodeAction[] = [];
  const ignores: CodeAction[] = [];
  const seen = new Set<string>();
  const edit = (edits: TextEdit[]) => ({ changes: { [doc.uri]: edits } });
  for (const f of result.findings) {
    if (!overlaps(f, start, end)) continue;
    const diagnostic = toDiagnostic(doc, f);
    if (f.fix) {
      const edits = f.fix.edits.map((e) => ({ range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, newText: e.text }));
      actions.push({
        title: f.fix.safety === 'safe' ? f.fix.title : `${f.fix.title} (unsafe: review before applying)`,
        kind: 'quickfix',
        diagnostics: [diagnostic],
        isPreferred: f.fix.safety === 'safe',
        edit: edit(edits),
      });
    }
    // An unused ignore is fixed by editing the ignore, not by adding another.
    if (f.rule === 'unused-ignore') {
      const remove = removeIgnoreEdit(doc, f);
      if (remove) actions.push({ title: remove.title, kind: 'quickfix', diagnostics: [diagnostic], isPreferred: true, edit: edit([remove.edit]) });
      continue;
    }
    // A rollback-path finding's statement index is into the down section's statements.
    const top = f.statement < 0 ? undefined : f.rollback ? (rollback ? topStatement(rollback, f.statement, IDENTITY) : undefined) : topStatement(result, f.statement, map);
    const key = `s:${f.rule}:${f.rollback ? 'down:' : ''}${top?.index}`;
    if (top && !seen.has(key)) {
      seen.add(key);
      ignores.push({ title: `Ignore \`${f.rule}\` for this statement`, kind: 'quickfix', diagnostics: [diagnostic], edit: edit([ignoreStatementEdit(doc, top.start, top.prevEnd, f.rule)]) });
    }
    // A down section is linted without the up part of the file, so a file-wide ignore at the top would not reach it.
    if (!(f.rollback && rollback) && !seen.has(`f:${f.rule}`)) {
      seen.add(`f:${f.rule}`);
      ignores.push({ title: `Ignore \`${f.rule}\` for this file`, kind: 'quickfix', diagnostics: [diagnostic], edit: edit([ignoreFileEdit(doc, result, f.rule, map)]) });
    }
  }
  return [...actions, ...ignores];
}
