import type { Finding, FileResult } from '../engine/engine.js';
import { ruleDocsUrl } from '../engine/rule.js';
import { ciRoot, repoPath } from './paths.js';
import { summarize, type Reporter } from './types.js';

/** GitHub rejects comments over 65,536 characters; stay well below. */
export const MARKDOWN_LIMIT = 65_000;
/** Hidden marker a CI step uses to find and update its own (sticky) comment. */
export const MARKDOWN_MARKER = '<!-- pgsafe-report -->';

const ICON = { error: '🛑', warning: '⚠️', info: 'ℹ️' } as const;
const MAX_SNIPPET_LINES = 8;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fence(body: string, lang = 'sql'): string {
  let ticks = '```';
  while (body.includes(ticks)) ticks += '`';
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

/** A PR-comment body: summary tables by file and rule, then each finding with its snippet and safe alternative. */
export const markdown: Reporter = ({ files, cwd, env }) => renderMarkdown(files, ciRoot(cwd, env), MARKDOWN_LIMIT);

export function renderMarkdown(files: FileResult[], root: string, limit: number): string {
  const s = summarize(files);
  const where = `${plural(s.files, 'file')}, ${plural(s.statements, 'statement')}`;
  const head = [MARKDOWN_MARKER];
  if (s.errors + s.warnings + s.infos === 0) {
    head.push(`### ✅ pgsafe: no problems found`, '', `Checked ${where}.`);
    return head.join('\n') + '\n';
  }
  const counts = [plural(s.errors, 'error'), plural(s.warnings, 'warning')];
  if (s.infos) counts.push(`${s.infos} info`);
  head.push(`### ${s.errors ? ICON.error : ICON.warning} pgsafe: ${counts.join(', ')}`, '', `Checked ${where}.`, '');

  const withFindings = byEstimatedBlocking(files.filter((f) => f.findings.length));
  const fileRows = withFindings.map((f) => {
    const c = { error: 0, warning: 0, info: 0 };
    for (const x of f.findings) c[x.severity]++;
    return `| \`${cell(repoPath(f.path, root))}\` | ${c.error} | ${c.warning} | ${c.info} |`;
  });
  const byRule = new Map<string, { error: number; warning: number; info: number }>();
  for (const f of withFindings) for (const x of f.findings) {
    const c = byRule.get(x.rule) ?? { error: 0, warning: 0, info: 0 };
    c[x.severity]++;
    byRule.set(x.rule, c);
  }
  const ruleRows = [...byRule].sort((a, b) => a[0].localeCompare(b[0])).map(([id, c]) => `| [\`${id}\`](${ruleDocsUrl(id)}) | ${c.error} | ${c.warning} | ${c.info} |`);

  const tables = (fileLimit: number): string[] => {
    const rows = fileRows.slice(0, fileLimit);
    const out = ['| File | Errors | Warnings | Info |', '| --- | ---: | ---: | ---: |', ...rows];
    if (fileRows.length > rows.length) out.push(`| …and ${plural(fileRows.length - rows.length, 'more file')} | | | |`);
    out.push('', '| Rule | Errors | Warnings | Info |', '| --- | ---: | ---: | ---: |', ...ruleRows, '');
    return out;
  };

  let summary = [...head, ...tables(fileRows.length)].join('\n');
  // Thousands of files: shorten the file table until the summary fits.
  for (let n = fileRows.length; summary.length > limit - 500 && n > 0; n = Math.floor(n / 2)) summary = [...head, ...tables(Math.floor(n / 2))].join('\n');

  const details: string[] = [];
  let used = summary.length;
  let shown = 0;
  const total = s.errors + s.warnings + s.infos;
  const reserve = 400;
  outer: for (const f of withFindings) {
    const path = repoPath(f.path, root);
    const section = [`#### \`${path}\``, ''];
    let first = true;
    for (const x of f.findings) {
      const block = findingBlock(f, x);
      const add = (first ? section.join('\n').length + 2 : 0) + block.length + 2;
      if (used + add > limit - reserve) break outer;
      if (first) { details.push(...section); first = false; }
      details.push(block, '');
      used += add;
      shown++;
    }
  }
  const out = [summary];
  if (shown > 0) out.push('<details open><summary>Findings</summary>', '', ...details, '</details>', '');
  if (shown < total) {
    out.push(`> **${plural(total - shown, 'more finding')} not shown**: the full list would exceed GitHub's comment size limit. Run \`pgsafe lint\` locally, or see the code scanning results.`, '');
  }
  return out.join('\n');
}

function findingBlock(f: FileResult, x: Finding): string {
  const parts = [`${ICON[x.severity]} **${x.severity}** [\`${x.rule}\`](${ruleDocsUrl(x.rule)}) at line ${x.line}, column ${x.column}: ${x.message}`];
  if (x.estimate) parts.push('', `⏱ ${x.estimate.text}`);
  const lines = f.parsed?.lines;
  if (lines && x.line >= 1) {
    const last = Math.min(x.endLine, x.line + MAX_SNIPPET_LINES - 1);
    const text: string[] = [];
    for (let ln = x.line; ln <= last; ln++) text.push(lines.lineText(ln));
    if (x.endLine > last) text.push('…');
    if (text.join('').trim()) parts.push('', fence(text.join('\n')));
  }
  if (x.help) {
    const [first, ...rest] = x.help.split('\n');
    parts.push('', `**Instead:** ${first}`);
    if (rest.join('').trim()) parts.push('', fence(rest.join('\n')));
  }
  for (const n of x.related ?? []) parts.push('', `**Also** ([\`${n.rule}\`](${ruleDocsUrl(n.rule)})): ${n.message}`);
  return parts.join('\n');
}

/** With `lint --stats`: the largest estimated blocking first, files and findings alike; otherwise as given. */
function byEstimatedBlocking(files: FileResult[]): FileResult[] {
  const est = (x: Finding) => x.estimate?.highMs ?? -1;
  if (!files.some((f) => f.findings.some((x) => x.estimate))) return files;
  const sorted = files.map((f) => ({ ...f, findings: [...f.findings].sort((a, b) => est(b) - est(a)) }));
  return sorted.sort((a, b) => est(b.findings[0]) - est(a.findings[0]));
}
