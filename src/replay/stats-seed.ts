// `pgsafe replay --stats <snapshot> [--scale F]`: replay reads the snapshot `lint --stats` reads. Each table is
// seeded at the snapshot's row count (times --scale), and each traced statement's measured duration is set
// beside the estimate the same cost model gives for the table as it was seeded (the replay server's own
// catalog: its rows, its bytes), so the two can be compared; with a scale, also the estimate at production size.
import { statfsSync } from 'node:fs';
import type pg from 'pg';
import { lint } from '../engine/engine.js';
import type { AnalysedStatement } from '../analysis/types.js';
import { collectSnapshot } from '../stats/collect.js';
import { estimateStatement } from '../stats/estimate.js';
import { bytesText, rangeText, rowsText } from '../stats/format.js';
import { DEFAULT_MODEL, modelLabel, type CostModel } from '../stats/model.js';
import { tableIndex, type StatsSnapshot, type TableStats } from '../stats/snapshot.js';
import type { LoadedFile } from './migrations.js';
import type { ReplayEstimate, StatementTrace } from './trace-types.js';

export type { ReplayEstimate } from './trace-types.js';
import { ms, ReplayUsageError } from './util.js';

export interface ReplayStats {
  snapshot: StatsSnapshot;
  /** Where it came from, for the report: a file name, or "--stats-from (live)". */
  source: string;
  /** Rows seeded = snapshot rows × scale (0 < scale ≤ 1). */
  scale: number;
}

/** What the report says about the snapshot as a whole. */
export interface ReplayStatsSummary {
  source: string;
  takenAt?: string;
  scale: number;
  model: string;
  /** Touched tables the snapshot lacks: seeded at `--rows`. */
  missing: string[];
  /** Statements with an estimate to compare: how many measured within 2× of the point estimate, and within the range. */
  compared: number;
  within2x: number;
  inRange: number;
}

export function modelOf(s: ReplayStats): CostModel {
  return s.snapshot.model ?? DEFAULT_MODEL;
}

/** Row counts to seed: `schema.table` → the snapshot's rows × scale (tables never analysed are left to --rows). */
export function seedRows(s: ReplayStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of s.snapshot.tables) if (t.rows !== null) out[`${t.schema}.${t.name}`] = Math.round(t.rows * s.scale);
  return out;
}

function lookup(tables: Map<string, TableStats>, name: string): TableStats | undefined {
  const key = name.includes('.') ? name : `public.${name}`;
  return tables.get(key) ?? (name.includes('.') ? undefined : [...tables.values()].find((t) => t.name === name));
}

/** Tables the pending migrations touch that exist before them (on the replay server) but have no row count in the snapshot. */
export function missingTables(s: ReplayStats, touched: string[] | undefined, replayed: StatsSnapshot): string[] {
  const tables = tableIndex(s.snapshot);
  const existing = tableIndex(replayed);
  return [...new Set((touched ?? []).filter((n) => {
    if (!lookup(existing, n)) return false;
    const t = lookup(tables, n);
    return !t || t.rows === null;
  }))];
}

/**
 * A throwaway cluster on a local disk (or tmpfs) must hold the touched tables, and room for one rewrite of the
 * largest: otherwise stop before seeding and say which --scale would fit.
 */
export function checkFits(s: ReplayStats, touched: string[] | undefined, dir: string | undefined): void {
  if (!dir) return;
  let free: number;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    return;
  }
  const tables = tableIndex(s.snapshot);
  const sizes = (touched ?? s.snapshot.tables.map((t) => `${t.schema}.${t.name}`))
    .map((n) => lookup(tables, n))
    .filter((t): t is TableStats => !!t)
    .map((t) => t.heapBytes + t.toastBytes + t.indexBytes);
  const need = (sizes.reduce((a, b) => a + b, 0) + Math.max(0, ...sizes)) * s.scale;
  if (need <= free * 0.8) return;
  // Rounded down to one significant digit: 0.037 → 0.03.
  const exact = (free * 0.8) / (need / s.scale);
  const step = 10 ** Math.floor(Math.log10(exact));
  const fit = Number((Math.floor(exact / step) * step).toPrecision(1));
  throw new ReplayUsageError(
    `--stats: the tables the migrations touch hold ${bytesText(need / s.scale)} in the snapshot; at --scale ${s.scale} that needs about ${bytesText(need)} (with room for one rewrite), ` +
      `more than the ${bytesText(free)} free in ${dir}: rerun with --scale ${fit}`,
  );
}

/** The replay server's own tables, as `pgsafe stats` sees them (it is a throwaway: no traffic sample). */
export function replayedTables(client: pg.Client): Promise<StatsSnapshot> {
  return collectSnapshot(client, { sampleMs: 0 });
}

/**
 * Sets `estimate` on each traced statement the cost model prices (a full pass over an existing table), from the
 * same analysis lint runs (base files feed the schema; pending files are analysed as lint analyses them).
 */
export async function addEstimates(
  files: { path: string; statements: StatementTrace[] }[],
  base: LoadedFile[],
  pending: LoadedFile[],
  o: { stats: ReplayStats; replayed: StatsSnapshot; pgVersion: number; assumeInTransaction: boolean; touched?: string[] },
): Promise<ReplayStatsSummary> {
  const model = modelOf(o.stats);
  const results = await lint(
    [...base.map((f) => ({ path: f.path, text: f.text, lint: false })), ...pending.map((f) => ({ path: f.path, text: f.text, fileOptions: { pending: true, inTransaction: f.inTransaction } }))],
    { rules: [], pgVersion: o.pgVersion, assumeInTransaction: o.assumeInTransaction },
  );
  const seeded = tableIndex(o.replayed);
  const prod = tableIndex(o.stats.snapshot);
  const summary: ReplayStatsSummary = {
    source: o.stats.source,
    takenAt: o.stats.snapshot.takenAt,
    scale: o.stats.scale,
    model: modelLabel(model),
    missing: missingTables(o.stats, o.touched, o.replayed),
    compared: 0,
    within2x: 0,
    inRange: 0,
  };
  for (const f of files) {
    const analysed = results.find((r) => r.path === f.path)?.analysed ?? [];
    for (const t of f.statements) {
      if ((t.mode !== 'traced' && t.mode !== 'outside-transaction') || t.error) continue;
      const a = matching(analysed, t);
      if (!a) continue;
      const e = estimateFor(a, t, seeded, prod, model, o.replayed, o.stats.snapshot);
      if (!e) continue;
      t.estimate = e;
      summary.compared++;
      if (e.ratio >= 0.5 && e.ratio <= 2) summary.within2x++;
      if (e.measuredMs >= e.lowMs && e.measuredMs <= e.highMs) summary.inRange++;
    }
  }
  return summary;
}

/** The analysed statement at the trace's position (lint parses the same prepared text). */
function matching(analysed: AnalysedStatement[], t: StatementTrace): AnalysedStatement | undefined {
  return analysed.find((a) => a.source.line === t.line && a.source.column === t.column && !a.source.parent) ?? analysed.find((a) => !a.source.parent && a.source.line >= t.line && a.source.line <= t.endLine);
}

function estimateFor(a: AnalysedStatement, t: StatementTrace, seeded: Map<string, TableStats>, prod: Map<string, TableStats>, model: CostModel, replayed: StatsSnapshot, snapshot: StatsSnapshot): ReplayEstimate | undefined {
  const e = estimateStatement(a, seeded, model, replayed.server.sharedBuffersBytes);
  if (!e || e.lowMs === undefined || e.highMs === undefined || !e.known) return undefined;
  const pointMs = e.lowMs / model.spread.low;
  const t0 = seeded.get(e.table);
  const out: ReplayEstimate = { table: e.table, op: e.op ?? '', model: modelLabel(model), rows: e.rows ?? 0, bytes: t0 ? t0.heapBytes + t0.toastBytes : 0, lowMs: e.lowMs, highMs: e.highMs, pointMs, measuredMs: t.durationMs, ratio: t.durationMs / pointMs };
  const p = estimateStatement(a, prod, model, snapshot.server.sharedBuffersBytes);
  if (p?.known && p.lowMs !== undefined && p.highMs !== undefined && p.rows !== undefined && p.rows !== null && p.rows !== e.rows) {
    out.production = { rows: p.rows, bytes: p.bytes ?? 0, lowMs: p.lowMs, highMs: p.highMs, text: p.text };
  }
  return out;
}

/** One line under a statement in the pretty report. */
export function estimateLine(e: ReplayEstimate): string {
  const verdict = e.ratio >= 0.5 && e.ratio <= 2 ? 'within 2×' : e.ratio > 2 ? 'slower than 2× the estimate' : 'faster than half the estimate';
  return `measured ${ms(e.measuredMs)} against est. ${rangeText(e.lowMs, e.highMs)} at ${rowsText(e.rows)} rows (${e.ratio.toFixed(2)}× the point estimate, ${verdict}) [${e.op}, ${e.model}]`;
}

export function productionLine(e: ReplayEstimate, scale: number): string | undefined {
  if (!e.production) return undefined;
  return `at the snapshot's size (${rowsText(e.production.rows)} rows, ${bytesText(e.production.bytes)}${scale !== 1 ? `; replayed at --scale ${scale}` : ''}): est. ${rangeText(e.production.lowMs, e.production.highMs)}`;
}

export function summaryLine(s: ReplayStatsSummary): string {
  const parts = [`stats: ${s.source}${s.takenAt ? ` (taken ${s.takenAt.slice(0, 10)})` : ''}, rows at ${s.scale === 1 ? 'the snapshot\'s counts' : `--scale ${s.scale} of the snapshot's counts`}; estimates from the ${s.model}`];
  if (s.compared) parts.push(`${s.within2x} of ${s.compared} measured within 2× of the estimate, ${s.inRange} inside its range`);
  if (s.missing.length) parts.push(`not in the snapshot (seeded at --rows): ${s.missing.join(', ')}`);
  return parts.join('; ');
}

/** The markdown section: one row per estimated statement. */
export function estimatesMarkdown(files: { path: string; statements: StatementTrace[] }[], s: ReplayStatsSummary): string[] {
  const rows = files.flatMap((f) => f.statements.filter((t) => t.estimate).map((t) => ({ f, t, e: t.estimate! })));
  const out = ['', '### Measured against estimated', '', summaryLine(s).replace(/\|/g, '\\|')];
  if (rows.length === 0) return out;
  out.push('', '| statement | class | rows | measured | estimate | measured / estimate | at the snapshot\'s size |', '|---|---|---:|---:|---:|---:|---:|');
  for (const { f, t, e } of rows) {
    out.push(`| \`${f.path}:${t.line}\` | ${e.op} | ${e.rows.toLocaleString('en-US')} | ${ms(e.measuredMs)} | ${rangeText(e.lowMs, e.highMs)} | ${e.ratio.toFixed(2)} | ${e.production ? `${rangeText(e.production.lowMs, e.production.highMs)} at ${rowsText(e.production.rows)} rows` : '–'} |`);
  }
  return out;
}
