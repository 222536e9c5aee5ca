// The picture of a replay: one lane per table, a bar per lock mode held and for how long, shaded windows where
// reads or writes were blocked, lock-queue waits, and statement boundaries. Rendered as a Mermaid gantt chart
// (markdown) and as inline SVG (html).
import type { ReplayReport } from './replay.js';
import type { StatementTrace } from './trace-types.js';
import { lockStrength, ms } from './util.js';

export type BarKind = 'lock' | 'reads-blocked' | 'writes-blocked' | 'wait';

export interface Bar {
  kind: BarKind;
  /** The lock mode for a `lock` or `wait` bar. */
  label: string;
  start: number;
  end: number;
}

export interface Lane {
  table: string;
  bars: Bar[];
}

export interface Timeline {
  /** Statement boundaries: line, short text, start and end on the trace's clock (ms). */
  statements: { file: string; line: number; text: string; start: number; end: number }[];
  lanes: Lane[];
  end: number;
}

function short(sql: string, max = 40): string {
  const t = sql.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** Where a statement's locks are released: its own end, or the end of the transaction it runs in. */
function releaseAt(list: StatementTrace[], i: number): number {
  const s = list[i];
  const end = (s.startMs ?? 0) + s.durationMs;
  if (!s.inTransaction) return end;
  for (let j = i + 1; j < list.length; j++) {
    const t = list[j];
    if (t.mode === 'not-run') break;
    if (t.mode === 'transaction-control' && /^(COMMIT|ROLLBACK|END|ABORT)\b/i.test(t.sql.trim()) && !/\bTO\b/i.test(t.sql)) return (t.startMs ?? end) + t.durationMs;
    if (s.error) return end;
  }
  // Rolled back at the end of the file (or after a failure): about where the last statement that ran ended.
  const ran = list.filter((t) => t.mode !== 'not-run' && t.startMs !== undefined);
  const last = ran[ran.length - 1];
  return last ? Math.max(end, (last.startMs ?? 0) + last.durationMs) : end;
}

/** Lanes for the tables that existed before the replay (those the application uses). */
export function buildTimeline(report: ReplayReport): Timeline {
  const tables = new Set(Object.keys(report.tableRows ?? {}));
  const lanes = new Map<string, Lane>();
  const lane = (t: string) => {
    let l = lanes.get(t);
    if (!l) lanes.set(t, (l = { table: t, bars: [] }));
    return l;
  };
  const statements: Timeline['statements'] = [];
  let end = 0;
  for (const f of report.files) {
    const list = f.statements;
    list.forEach((s, i) => {
      if (s.startMs === undefined || s.mode === 'not-run' || s.mode === 'skipped') return;
      const start = s.startMs;
      const stop = start + s.durationMs;
      end = Math.max(end, stop);
      if (s.mode !== 'transaction-control') statements.push({ file: f.path, line: s.line, text: short(s.sql), start, end: stop });
      const release = releaseAt(list, i);
      end = Math.max(end, release);
      // The strongest mode per table, from the statement's start to the lock's release.
      const strongest = new Map<string, string>();
      for (const l of s.locks) if (tables.has(l.relation) && lockStrength(l.mode) > lockStrength(strongest.get(l.relation) ?? '')) strongest.set(l.relation, l.mode);
      for (const [t, mode] of strongest) lane(t).bars.push({ kind: 'lock', label: mode, start, end: Math.max(release, start + 1) });
      for (const w of s.waits) if (w.locktype === 'relation' && tables.has(w.on)) lane(w.on).bars.push({ kind: 'wait', label: w.mode, start, end: start + w.ms });
      const b = s.blocked;
      if (b.readsMs > 0 && b.readsOn) lane(b.readsOn).bars.push({ kind: 'reads-blocked', label: `reads blocked ${ms(b.readsMs)}`, start: b.readsAtMs ?? start, end: (b.readsAtMs ?? start) + b.readsMs });
      if (b.writesMs > 0 && b.writesOn) lane(b.writesOn).bars.push({ kind: 'writes-blocked', label: `writes blocked ${ms(b.writesMs)}`, start: b.writesAtMs ?? start, end: (b.writesAtMs ?? start) + b.writesMs });
    });
  }
  return { statements, lanes: [...lanes.values()].sort((a, b) => a.table.localeCompare(b.table)), end: Math.max(end, 1) };
}

/** Mermaid's gantt grammar keeps `:` and `#` for itself. */
function mermaidText(s: string): string {
  return s.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim();
}

const MERMAID_TAG: Record<BarKind, string> = { lock: 'done', wait: 'active', 'reads-blocked': 'crit', 'writes-blocked': 'crit' };

/** A Mermaid gantt chart (GitHub renders it in a PR comment); times are ms since the trace began. */
export function toMermaid(t: Timeline): string {
  const out = ['```mermaid', 'gantt', '  title Replay timeline (ms since the first statement)', '  dateFormat x', '  axisFormat %S.%L s'];
  out.push('  section statements');
  for (const s of t.statements) out.push(`  L${s.line} ${mermaidText(s.text)} :${Math.round(s.start)}, ${Math.max(Math.round(s.end), Math.round(s.start) + 1)}`);
  for (const l of t.lanes) {
    out.push(`  section ${mermaidText(l.table)}`);
    for (const b of l.bars) {
      const label = b.kind === 'lock' ? b.label.replace(/Lock$/, '') : b.kind === 'wait' ? `queued for ${b.label.replace(/Lock$/, '')}` : b.label;
      out.push(`  ${mermaidText(label)} :${MERMAID_TAG[b.kind]}, ${Math.round(b.start)}, ${Math.max(Math.round(b.end), Math.round(b.start) + 1)}`);
    }
  }
  out.push('```');
  return out.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const COLORS: Record<string, string> = {
  AccessExclusiveLock: '#c0392b', ExclusiveLock: '#d35400', ShareRowExclusiveLock: '#e67e22', ShareLock: '#f39c12',
  ShareUpdateExclusiveLock: '#f1c40f', RowExclusiveLock: '#27ae60', RowShareLock: '#2ecc71', AccessShareLock: '#95a5a6',
};

/** Inline SVG: a lane per table, statement boundaries as dashed lines; no script, no network. */
export function toSvg(t: Timeline, width = 960): string {
  const left = 170;
  const laneH = 34;
  const top = 40;
  const plot = width - left - 20;
  const x = (v: number) => left + (v / t.end) * plot;
  const height = top + Math.max(1, t.lanes.length) * laneH + 30;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${left}" y="16" fill="#333">0 ms</text><text x="${width - 20}" y="16" text-anchor="end" fill="#333">${esc(ms(t.end))}</text>`);
  t.statements.forEach((s) => {
    parts.push(`<g class="statement" data-line="${s.line}"><line x1="${x(s.start)}" y1="${top - 14}" x2="${x(s.start)}" y2="${height - 20}" stroke="#555" stroke-dasharray="3,3"/><text x="${x(s.start) + 2}" y="${top - 4}" fill="#555" font-size="10">L${s.line}</text><title>${esc(`${s.file}:${s.line} ${s.text} (${ms(s.end - s.start)})`)}</title></g>`);
  });
  t.lanes.forEach((l, i) => {
    const y = top + i * laneH;
    parts.push(`<g class="lane" data-table="${esc(l.table)}"><rect x="0" y="${y}" width="${width}" height="${laneH}" fill="${i % 2 ? '#f7f7f7' : '#ffffff'}"/><text x="8" y="${y + laneH / 2 + 4}" fill="#111">${esc(l.table)}</text>`);
    for (const b of l.bars) {
      const bx = x(b.start);
      const bw = Math.max(2, x(b.end) - bx);
      if (b.kind === 'lock') parts.push(`<rect class="bar lock" data-mode="${b.label}" x="${bx}" y="${y + 6}" width="${bw}" height="${laneH - 12}" fill="${COLORS[b.label] ?? '#7f8c8d'}"><title>${esc(`${b.label} held ${ms(b.end - b.start)}`)}</title></rect>`);
      else if (b.kind === 'wait') parts.push(`<rect class="bar wait" x="${bx}" y="${y + 2}" width="${bw}" height="4" fill="#8e44ad"><title>${esc(`queued ${ms(b.end - b.start)} for ${b.label}`)}</title></rect>`);
      else parts.push(`<rect class="bar blocked ${b.kind}" x="${bx}" y="${y + (b.kind === 'reads-blocked' ? 2 : laneH / 2)}" width="${bw}" height="${laneH / 2 - 2}" fill="${b.kind === 'reads-blocked' ? '#2980b9' : '#e74c3c'}" fill-opacity="0.35" stroke="#000" stroke-opacity="0.3"><title>${esc(b.label)}</title></rect>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}
