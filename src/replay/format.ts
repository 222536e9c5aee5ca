import { Chalk } from 'chalk';
import type { ReplayReport } from './replay.js';
import type { StatementTrace } from './trace-types.js';
import { ms } from './util.js';
import { buildTimeline, toMermaid, toSvg } from './timeline.js';
import { estimateLine, estimatesMarkdown, productionLine, summaryLine } from './stats-seed.js';

export type ReplayFormat = 'pretty' | 'json' | 'markdown' | 'html';

/** The JSON shape of issue 4, plus extra fields (kind, mode, waits, heldLocks, notes, seed, findings). */
export function toJson(report: ReplayReport): string {
  const out = {
    server: report.server && { version: report.server.version, provider: report.server.provider, detail: report.server.detail, startMs: report.server.startMs },
    seed: report.seed && {
      ...(report.seed.cached ? { cached: true } : {}),
      totalRows: report.seed.totalRows,
      rowsPerSecond: report.seed.rowsPerSecond,
      loadMs: Math.round(report.seed.loadMs),
      indexMs: Math.round(report.seed.indexMs),
      analyzeMs: Math.round(report.seed.analyzeMs),
      tables: report.seed.tables.map((t) => ({ table: t.table, rows: t.rows, ...(t.prefilled ? { prefilled: true } : {}), ...(t.schemaOnly ? { schemaOnly: true } : {}), ...(t.warning ? { warning: t.warning } : {}) })),
      warnings: report.seed.warnings,
    },
    ...(report.longTransaction ? { longTransaction: report.longTransaction } : {}),
    maxBlockingMs: report.maxBlockingMs,
    files: report.files.map((f) => ({
      path: f.path,
      statements: f.statements.map((s) => ({
        line: s.line,
        column: s.column,
        sql: s.sql,
        kind: s.kind,
        mode: s.mode,
        inTransaction: s.inTransaction,
        durationMs: round1(s.durationMs),
        locks: s.locks.map((l) => ({ relation: l.relation, mode: l.mode, ...(l.transient ? { transient: true } : {}) })),
        heldLocks: s.heldLocks.map((l) => ({ relation: l.relation, mode: l.mode })),
        waits: s.waits,
        rewrites: s.rewrites,
        scans: s.scans,
        blocked: s.blocked,
        lockTimeoutMs: s.lockTimeoutMs,
        ...(s.error ? { error: s.error } : {}),
        ...(s.notes.length ? { notes: s.notes } : {}),
        ...(s.static?.length ? { static: s.static.map((v) => ({ rule: v.rule, verdict: v.verdict, evidence: v.evidence, message: v.message })) } : {}),
        ...(s.estimate ? { estimate: s.estimate } : {}),
      })),
    })),
    ...(report.stats ? { stats: report.stats } : {}),
    findings: report.findings,
    notes: report.notes,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}


function oneLineSql(sql: string, max = 70): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function lockText(s: StatementTrace): string {
  if (s.locks.length === 0) return '–';
  return s.locks.map((l) => `${l.mode.replace(/Lock$/, '')}(${l.relation})${l.transient ? '*' : ''}`).join(', ');
}

function blockedText(s: StatementTrace): string {
  const parts: string[] = [];
  if (s.blocked.readsMs > 0) parts.push(`reads ${ms(s.blocked.readsMs)}`);
  if (s.blocked.writesMs > 0) parts.push(`writes ${ms(s.blocked.writesMs)}${s.blocked.writesByRowLocks ? ' (row locks on the rows it changed)' : ''}`);
  return parts.length ? parts.join(', ') : 'nothing';
}

const WAIT_KINDS: Record<string, string> = { relation: 'in the lock queue', extend: 'relation extension (page-level, brief)', transactionid: 'another transaction', virtualxid: 'older transactions', tuple: 'a row lock' };

function waitText(w: StatementTrace['waits'][number]): string {
  const on = w.locktype === 'relation' ? ` on ${w.on}` : '';
  return `${ms(w.ms)} for ${w.mode}${on} (${WAIT_KINDS[w.locktype] ?? w.locktype})`;
}

export function toPretty(report: ReplayReport, color = false): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  lines.push(c.bold(`pgsafe replay`) + (report.server ? ` on PostgreSQL ${report.server.version} (${report.server.provider}: ${report.server.detail}, ready in ${ms(report.server.startMs)})` : ': no server started'));
  if (report.seed) {
    const tables = report.seed.tables.filter((t) => t.rows > 0);
    lines.push(
      `seeded ${report.seed.totalRows.toLocaleString('en-US')} rows in ${tables.length} table(s) at ${report.seed.rowsPerSecond.toLocaleString('en-US')} rows/s ` +
        `(load ${ms(report.seed.loadMs)}, indexes ${ms(report.seed.indexMs)}, analyze ${ms(report.seed.analyzeMs)})` +
        (report.seed.cached ? ' — reused from the seed cache' : ''),
    );
    lines.push(`  rows: ${tables.map((t) => `${t.table} ${t.rows.toLocaleString('en-US')}`).join(', ') || 'none'}`);
    const schemaOnly = report.seed.tables.filter((t) => t.schemaOnly);
    if (schemaOnly.length) lines.push(c.dim(`  schema only (not touched by the pending migrations): ${schemaOnly.map((t) => t.table).join(', ')}`));
    for (const w of report.seed.warnings) lines.push(c.yellow(`  warning: ${w}`));
  }
  if (report.stats) lines.push(summaryLine(report.stats));
  if (report.longTransaction) lines.push(`simulated a ${ms(report.longTransaction.ms)} transaction holding AccessShare on ${report.longTransaction.tables.join(', ') || 'no existing table'}`);
  for (const f of report.files) {
    lines.push('');
    lines.push(c.underline(f.path));
    for (const s of f.statements) {
      if (s.mode === 'transaction-control') {
        lines.push(c.dim(`  ${s.line}:${s.column}  ${oneLineSql(s.sql)}`));
        continue;
      }
      const over = s.blocked.readsMs > report.maxBlockingMs || s.blocked.writesMs > report.maxBlockingMs;
      lines.push(`  ${s.line}:${s.column}  ${c.bold(oneLineSql(s.sql))}  ${c.cyan(ms(s.durationMs))}${s.mode === 'outside-transaction' ? c.dim(' (outside a transaction)') : ''}`);
      lines.push(`      locks:    ${lockText(s)}`);
      if (s.heldLocks.length) lines.push(`      held:     ${s.heldLocks.map((l) => `${l.mode.replace(/Lock$/, '')}(${l.relation})`).join(', ')} (from earlier statements, until COMMIT)`);
      if (s.rewrites.length) lines.push(c.red(`      rewrite:  ${s.rewrites.map((r) => r.relation).join(', ')}`));
      if (s.scans.length) lines.push(c.yellow(`      scan:     ${s.scans.map((x) => `${x.relation} ×${x.seqScans}${x.rowsRead ? ` (${x.rowsRead.toLocaleString('en-US')} rows read)` : ''}`).join(', ')}`));
      if (s.waits.length) lines.push(c.yellow(`      waited:   ${s.waits.map(waitText).join(', ')}`));
      lines.push(`      blocked:  ${over ? c.red(blockedText(s)) : blockedText(s)}`);
      if (s.error) lines.push(c.red(`      error:    ${s.error.message}`));
      for (const v of s.static ?? []) lines.push(`      lint:     ${v.rule} ${v.verdict === 'confirmed' ? c.red(v.evidence) : c.green(v.evidence)}`);
      if (s.estimate) lines.push(`      estimate: ${estimateLine(s.estimate)}`);
      const prod = s.estimate && report.stats && productionLine(s.estimate, report.stats.scale);
      if (prod) lines.push(`                ${prod}`);
      for (const n of s.notes) lines.push(c.dim(`      note:     ${n}`));
    }
  }
  lines.push('');
  if (report.findings.length === 0) lines.push(c.green(`no statement blocked reads or writes for more than ${ms(report.maxBlockingMs)}`));
  for (const f of report.findings) lines.push(`${f.path}:${f.line}:${f.column}: ${f.severity === 'error' ? c.red('error') : c.yellow('warning')} ${f.message} ${c.dim(`[${f.rule}]`)}`);
  for (const n of report.notes) lines.push(c.dim(`note: ${n}`));
  return lines.join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One line a reviewer reads first. */
export function verdict(report: ReplayReport): string {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const failed = report.files.flatMap((f) => f.statements).filter((s) => s.error).length;
  if (!report.server) return 'Nothing to replay: the pending migrations contain no SQL statement.';
  const blocking = errors.filter((f) => f.rule === 'replay-blocking').length;
  const confirmed = errors.filter((f) => f.rule !== 'replay-blocking' && f.rule !== 'replay-statement-failed').length;
  if (errors.length === 0) return `✅ No statement blocked reads or writes for more than ${ms(report.maxBlockingMs)}${failed ? '' : ' and none failed'}.`;
  const parts = [
    blocking && `${blocking} statement(s) blocked reads or writes for more than ${ms(report.maxBlockingMs)}`,
    failed && `${failed} statement(s) failed`,
    confirmed && `${confirmed} lint finding(s) confirmed on the seeded data`,
  ].filter(Boolean);
  return `❌ ${parts.join('; ')}.`;
}

/** Findings with the same rule and message become one bullet listing their lines. */
function groupedFindings(report: ReplayReport): string[] {
  const groups = new Map<string, { f: ReplayReport['findings'][number]; at: string[] }>();
  for (const f of report.findings) {
    const key = `${f.severity}|${f.rule}|${f.message.replace(/\d+(\.\d+)? (ms|s)\b/g, '#')}`;
    const g = groups.get(key);
    if (g) g.at.push(`${f.path}:${f.line}`);
    else groups.set(key, { f, at: [`${f.path}:${f.line}`] });
  }
  return [...groups.values()].map(({ f, at }) => `- **${f.severity}** ${at.map((x) => `\`${x}\``).join(', ')}: ${cell(f.message)} (${f.rule})`);
}

export function toMarkdown(report: ReplayReport): string {
  const lines: string[] = [];
  lines.push(`## pgsafe replay`);
  lines.push('');
  lines.push(`**${verdict(report)}**`);
  lines.push('');
  if (report.server) lines.push(`PostgreSQL ${report.server.version} (${report.server.provider})` + (report.seed ? `, seeded ${report.seed.totalRows.toLocaleString('en-US')} rows: ${report.seed.tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows.toLocaleString('en-US')}`).join(', ')}` : ''));
  const timeline = buildTimeline(report);
  if (timeline.lanes.length) lines.push('', '<details><summary>Timeline: locks held per table, and when reads and writes were blocked</summary>', '', toMermaid(timeline), '', '</details>');
  for (const f of report.files) {
    lines.push('');
    lines.push(`### \`${f.path}\``);
    lines.push('');
    lines.push('| line | statement | time | locks | held from earlier | rewrite | scan | blocked |');
    lines.push('|---:|---|---:|---|---|---|---|---|');
    for (const s of f.statements) {
      if (s.mode === 'transaction-control') continue;
      const held = s.heldLocks.map((l) => `${l.mode.replace(/Lock$/, '')}(${l.relation})`).join(', ') || '–';
      const outcome = s.mode === 'not-run' ? '**not run**' : s.mode === 'skipped' ? 'skipped' : s.error ? '**failed**: ' + cell(s.error.message) : blockedText(s);
      const time = s.mode === 'not-run' || s.mode === 'skipped' ? '–' : ms(s.durationMs);
      lines.push(`| ${s.line} | \`${cell(oneLineSql(s.sql, 60))}\` | ${time} | ${cell(lockText(s))} | ${cell(held)} | ${cell(s.rewrites.map((r) => r.relation).join(', ') || '–')} | ${cell(s.scans.map((x) => `${x.relation} ×${x.seqScans}`).join(', ') || '–')} | ${outcome} |`);
    }
    const notes = [...new Set(f.statements.flatMap((s) => s.notes.map((n) => `line ${s.line}: ${n}`)))];
    if (notes.length) lines.push('', ...notes.map((n) => `- ${cell(n)}`));
  }
  if (report.stats) lines.push(...estimatesMarkdown(report.files, report.stats));
  lines.push('');
  lines.push(...groupedFindings(report));
  for (const n of report.notes) lines.push(`- note: ${cell(n)}`);
  return lines.join('\n') + '\n';
}

/** A self-contained page: the verdict, the timeline as inline SVG, and the markdown tables as plain HTML. No script, no network. */
export function toHtml(report: ReplayReport): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const timeline = buildTimeline(report);
  const rows: string[] = [];
  for (const f of report.files) {
    for (const s of f.statements) {
      if (s.mode === 'transaction-control') continue;
      const outcome = s.mode === 'not-run' ? 'not run' : s.error ? `failed: ${s.error.message}` : blockedText(s);
      rows.push(`<tr class="${s.mode}"><td>${esc(f.path)}:${s.line}</td><td><code>${esc(oneLineSql(s.sql, 80))}</code></td><td>${s.mode === 'not-run' ? '–' : esc(ms(s.durationMs))}</td><td>${esc(lockText(s))}</td><td>${esc(outcome)}</td></tr>`);
    }
  }
  const legend = [['#c0392b', 'AccessExclusive'], ['#f39c12', 'Share'], ['#f1c40f', 'ShareUpdateExclusive'], ['#27ae60', 'RowExclusive'], ['#2980b9', 'reads blocked'], ['#e74c3c', 'writes blocked'], ['#8e44ad', 'lock queue']]
    .map(([c, t]) => `<span><i style="background:${c}"></i>${t}</span>`).join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pgsafe replay</title>
<style>body{font-family:sans-serif;margin:24px;color:#111}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left}
.legend span{margin-right:12px;font-size:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}tr.not-run{color:#888}</style></head>
<body>
<h1>pgsafe replay</h1>
<p class="verdict"><strong>${esc(verdict(report))}</strong></p>
${report.server ? `<p>PostgreSQL ${esc(report.server.version)} (${esc(report.server.provider)})${report.seed ? `, seeded ${report.seed.totalRows.toLocaleString('en-US')} rows` : ''}</p>` : ''}
<div class="legend">${legend}</div>
${timeline.lanes.length ? toSvg(timeline) : '<p>No table that existed before the replay was locked.</p>'}
<table><thead><tr><th>where</th><th>statement</th><th>time</th><th>locks</th><th>blocked</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<ul>${report.findings.map((f) => `<li>${esc(`${f.path}:${f.line}: ${f.severity}: ${f.message} [${f.rule}]`)}</li>`).join('')}</ul>
</body></html>
`;
}

export function formatReport(report: ReplayReport, format: ReplayFormat, color = false): string {
  if (format === 'json') return toJson(report);
  if (format === 'html') return toHtml(report);
  if (format === 'markdown') return toMarkdown(report);
  return toPretty(report, color);
}
