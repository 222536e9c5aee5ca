import { Chalk } from 'chalk';
import type { Finding } from '../engine/engine.js';
import type { LineIndex } from '../source/locate.js';
import { summarize, type Reporter } from './types.js';

const MAX_SNIPPET_LINES = 3;

export const pretty: Reporter = ({ files, color }) => {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  for (const f of files) {
    const lines = f.parsed?.lines;
    for (const x of f.findings) {
      const sev = x.severity === 'error' ? c.red.bold('error') : x.severity === 'warning' ? c.yellow.bold('warning') : c.blue.bold('info');
      out.push(`${c.bold(`${f.path}:${x.line}:${x.column}`)}: ${sev} ${c.dim(`[${x.rule}]`)}`);
      out.push(`  ${x.message}`);
      if (x.estimate) out.push(`  ${c.magenta(x.estimate.text)}`);
      if (lines) out.push(...snippet(lines, x, c));
      if (x.help) {
        const [first, ...rest] = x.help.split('\n');
        out.push(`  ${c.cyan('help:')} ${first}`);
        for (const r of rest) out.push(`        ${c.green(r)}`);
      }
      for (const n of x.related ?? []) out.push(`  ${c.cyan('note:')} ${n.message} ${c.dim(`[${n.rule}]`)}`);
      out.push('');
    }
  }
  const s = summarize(files);
  const parts = [
    `${s.errors} error${s.errors === 1 ? '' : 's'}`,
    `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`,
  ];
  if (s.infos) parts.push(`${s.infos} info`);
  const where = `${s.files} file${s.files === 1 ? '' : 's'}, ${s.statements} statement${s.statements === 1 ? '' : 's'}`;
  if (s.errors + s.warnings + s.infos === 0) out.push(c.green(`✔ No problems (${where})`));
  else out.push((s.errors ? c.red : c.yellow)(`✖ ${parts.join(', ')} (${where})`));
  return out.join('\n') + '\n';
};

function snippet(lines: LineIndex, x: Finding, c: InstanceType<typeof Chalk>): string[] {
  const out: string[] = [];
  const last = Math.min(x.endLine, x.line + MAX_SNIPPET_LINES - 1);
  const width = String(last).length;
  for (let ln = x.line; ln <= last; ln++) {
    const raw = lines.lineText(ln);
    const text = raw.length > 200 ? raw.slice(0, 200) + '…' : raw;
    out.push(`  ${c.dim(`${String(ln).padStart(width)} |`)} ${text.replace(/\t/g, ' ')}`);
    const from = ln === x.line ? x.column - 1 : leadingSpace(text);
    const to = ln === x.endLine ? Math.min(x.endColumn - 1, text.length) : text.length;
    if (to > from) out.push(`  ${c.dim(`${' '.repeat(width)} |`)} ${' '.repeat(from)}${c.red('^'.repeat(to - from))}`);
  }
  if (x.endLine > last) out.push(`  ${c.dim(`${' '.repeat(width)} |`)} …`);
  return out;
}

function leadingSpace(s: string): number {
  const m = /^\s*/.exec(s);
  return m ? m[0].length : 0;
}
