// Inline suppression: `-- pgsafe-ignore <rule>[, <rule>…] [: reason]` covers the
// next statement (or the statement on the same line); `-- pgsafe-ignore-file
// [rules]` covers the file. squawk's `squawk-ignore` forms are honoured too, and so are its
// `-- squawk-disable-assume-in-transaction` / `-- squawk-enable-assume-in-transaction` file directives.
import type { Comment } from '../source/lexer.js';
import type { SourceStatement } from '../source/parse.js';

export interface IgnoreDirective {
  start: number;
  end: number;
  file: boolean;
  /** Empty: every rule (file form only). */
  rules: string[];
  /** Statement index covered (statement form). */
  statement: number;
  used: Set<string>;
}

const DIRECTIVE = /^\s*(?:pgsafe|squawk)-ignore(-file)?(?=\s|$|:)(.*)$/s;

export function parseIgnores(comments: Comment[], statements: SourceStatement[]): IgnoreDirective[] {
  const out: IgnoreDirective[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.body);
    if (!m) continue;
    const file = !!m[1];
    let rest = m[2];
    const cut = rest.search(/:|--/);
    if (cut >= 0) rest = rest.slice(0, cut);
    const rules = rest.split(/[\s,]+/).map((r) => r.trim().toLowerCase()).filter(Boolean);
    if (!file && rules.length === 0) continue;
    out.push({ start: c.start, end: c.end, file, rules, statement: file ? -1 : coveredStatement(c, statements), used: new Set() });
  }
  return out;
}

function coveredStatement(c: Comment, statements: SourceStatement[]): number {
  // A comment inside a multi-line statement covers that statement.
  for (const s of statements) if (s.start < c.start && c.end <= s.end) return s.index;
  if (!c.ownLine) {
    // Trailing comment: the statement it ends on, or the one it sits in.
    for (let i = statements.length - 1; i >= 0; i--) if (statements[i].start < c.start) return statements[i].index;
  }
  for (const s of statements) if (s.start >= c.end) return s.index;
  return -1;
}

const TX_DIRECTIVE = /^(?:pgsafe|squawk)-(disable|enable)-assume-in-transaction$/i;

/**
 * `-- squawk-disable-assume-in-transaction` (or `pgsafe-…`): this file does not run in a transaction, whatever the
 * settings or framework assume; `…-enable-…`: it does. The first directive in the file wins; undefined without one.
 */
export function transactionOverride(comments: Comment[]): boolean | undefined {
  for (const c of comments) {
    const m = TX_DIRECTIVE.exec(c.body.split('--')[0].trim());
    if (m) return m[1].toLowerCase() === 'enable';
  }
  return undefined;
}
