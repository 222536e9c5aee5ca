// How long a statement's lock lasts on a table of the snapshot, from the analysed statement's
// facts (locks with their roles, rewrites, scans, runtime, actions): nothing here reads the SQL.
import { blockedText, blocksReads, blocksWrites, type LockMode } from '../analysis/locks.js';
import type { Action, AnalysedStatement } from '../analysis/types.js';
import type { Rel } from '../analysis/names.js';
import type { FindingEstimate } from '../engine/engine.js';
import { modelLabel, pointMs, rangeMs, type CostModel, type OpClass } from './model.js';
import { bytesText, rangeText, rateText, rowsText } from './format.js';
import type { TableStats } from './snapshot.js';

/** CREATE INDEX CONCURRENTLY scans the table twice and waits for snapshots: 574 vs 218 ms at 1M rows (postgres-facts.md). */
const CONCURRENT_FACTOR = 2.6;

/** The class of work an action's cost stands for; undefined when it does not grow with the table. */
export function opClass(a: Action): OpClass | undefined {
  switch (a.cost) {
    case 'index-build': return 'index-build';
    case 'rewrite': return 'rewrite';
    case 'scan':
      if (a.type === 'update' || a.type === 'delete') return 'backfill';
      if (a.constraint?.kind === 'foreign' || (a.type === 'add-column' && a.columnDef?.references)) return 'validation';
      return 'seq-scan';
    default: return undefined;
  }
}

/** The existing table the statement works on (lock role `target`), else its first existing locked relation. */
export function targetOf(a: AnalysedStatement): { rel: Rel; mode: LockMode } | undefined {
  const existing = a.locks.filter((l) => !l.isNew);
  const l = existing.find((x) => x.role === 'target') ?? existing[0];
  return l && { rel: l.rel, mode: l.mode };
}

/** Point estimate in ms of the statement's work on `t`, from its `rewrites` and `scans`; undefined when it reads no table in full. */
export function statementMs(a: AnalysedStatement, rel: Rel, t: TableStats, model: CostModel, cache?: number, referenced?: TableStats): { ms: number; op: OpClass } | undefined {
  const rows = t.rows ?? 0;
  const bytes = t.heapBytes + t.toastBytes;
  const cacheBytes = cache;
  // ALTER TABLE does every subcommand in one rewrite pass when one of them rewrites.
  if (a.rewrites.some((r) => r.key === rel.key)) {
    // The calibration table has one index; a rewrite rebuilds each.
    const extra = Math.max(0, t.indexes.length - 1) * (pointMs(model, { op: 'index-build', rows, bytes, cacheBytes }) - model.ops['index-build'].overheadMs);
    return { ms: pointMs(model, { op: 'rewrite', rows, bytes, cacheBytes }) + extra, op: 'rewrite' };
  }
  if (!a.scans.some((r) => r.key === rel.key)) return undefined;
  const acts = a.actions.filter((x) => x.relation?.key === rel.key && opClass(x));
  if (acts.length === 0) return undefined;
  let ms = 0;
  for (const x of acts) {
    const op = opClass(x)!;
    ms += pointMs(model, { op, rows, bytes, cacheBytes }) * (op === 'index-build' && x.concurrently ? CONCURRENT_FACTOR : 1);
    // A foreign key's check joins the table with the referenced one: that table is read in full too.
    if (op === 'validation' && referenced) ms += pointMs(model, { op: 'seq-scan', rows: referenced.rows ?? 0, bytes: referenced.heapBytes + referenced.toastBytes, cacheBytes }) - model.ops['seq-scan'].overheadMs;
  }
  return { ms, op: opClass(acts[0])! };
}

/** Existing relations other than the target that the statement locks against reads or writes (a foreign key's referenced table). */
function alsoBlocked(a: AnalysedStatement, target: Rel): { rel: Rel; mode: LockMode }[] {
  const out = new Map<string, { rel: Rel; mode: LockMode }>();
  for (const l of a.locks) {
    if (l.isNew || l.rel.key === target.key || (l.role !== 'referenced' && l.role !== 'referencing' && l.role !== 'parent')) continue;
    if (!blocksReads(l.mode) && !blocksWrites(l.mode)) continue;
    if (!out.has(l.rel.key)) out.set(l.rel.key, { rel: l.rel, mode: l.mode });
  }
  return [...out.values()];
}

function quoted(rel: Rel): string {
  return `"${rel.name}"`;
}

/** The estimate a finding on this statement carries; undefined when the statement touches no existing table. */
export function estimateStatement(a: AnalysedStatement, tables: Map<string, TableStats>, model: CostModel, cacheBytes?: number): FindingEstimate | undefined {
  const target = targetOf(a);
  if (!target) return undefined;
  const { rel, mode } = target;
  const t = tables.get(rel.key) ?? uniqueByName(tables, rel);
  if (!t) return { table: rel.key, known: false, text: `${quoted(rel)}: size unknown (not in the stats snapshot)` };
  const base: FindingEstimate = { table: `${t.schema}.${t.name}`, known: true, rows: t.rows, bytes: t.heapBytes + t.toastBytes + t.indexBytes, text: '' };
  if (t.traffic) Object.assign(base, { readsPerSec: t.traffic.readsPerSec, writesPerSec: t.traffic.writesPerSec });
  if (t.rows === null) return { ...base, text: `${quoted(rel)}: size unknown (never vacuumed or analysed; \`ANALYZE\` it before \`pgsafe stats\`)` };
  const size = `${rowsText(t.rows)} rows, ${bytesText(base.bytes!)}`;
  const others = alsoBlocked(a, rel).map((o) => ({ ...o, t: tables.get(o.rel.key) ?? uniqueByName(tables, o.rel) }));
  const ref = others.find((o) => a.locks.some((l) => l.rel.key === o.rel.key && l.role === 'referenced'))?.t;
  const work = statementMs(a, rel, t, model, cacheBytes, ref);
  if (others.length) base.related = others.map((o) => ({ table: o.t ? `${o.t.schema}.${o.t.name}` : o.rel.key, known: !!o.t, rows: o.t?.rows ?? null, blocks: blockedText(o.mode), ...(o.t?.traffic ? { readsPerSec: o.t.traffic.readsPerSec, writesPerSec: o.t.traffic.writesPerSec } : {}) }));
  const alsoText = others.map((o) => `; also blocks ${blockedText(o.mode)} on ${quoted(o.rel)} (${o.t ? (o.t.rows === null ? 'size unknown' : `${rowsText(o.t.rows)} rows, ${bytesText(o.t.heapBytes + o.t.toastBytes + o.t.indexBytes)}`) : 'size unknown: not in the stats snapshot'}${o.t?.traffic ? `; ${queueText(blocksReads(o.mode), blocksWrites(o.mode), o.t)}` : ''}) for the same time`).join('');
  // A backfill's ROW EXCLUSIVE blocks no statement, but each row it updates stays locked until it commits.
  const r = !!mode && blocksReads(mode);
  const w = (!!mode && blocksWrites(mode)) || work?.op === 'backfill';
  const blocks = r || w ? (work?.op === 'backfill' && !r ? 'writes to the rows it touches' : blockedText(mode!)) : 'other schema changes';
  const detail = `(${size}; ${queueText(r, w, t)})${alsoText}`;
  if (!work) {
    // Not a full pass over the table: instant once the lock is granted, or bounded by rows pgsafe cannot count.
    if (a.runtime !== 'instant') return { ...base, blocks, text: `on ${quoted(rel)}: touches only some rows, not estimated ${detail}` };
    const text = r || w
      ? `catalog-only: blocks ${blocks} on ${quoted(rel)} for milliseconds once granted, but queues them while it waits for running transactions ${detail}`
      : `catalog-only on ${quoted(rel)} ${detail}`;
    return { ...base, op: 'catalog', blocks, text };
  }
  const { lowMs, highMs } = rangeMs(model, work.ms);
  const what = r || w ? `of blocked ${blocks} on ${quoted(rel)}` : `on ${quoted(rel)}, blocking only other schema changes`;
  return { ...base, op: work.op, lowMs, highMs, blocks, model: modelLabel(model), text: `est. ${rangeText(lowMs, highMs)} ${what} ${detail} [${work.op}, ${modelLabel(model)}]` };
}

function queueText(reads: boolean, writes: boolean, t: TableStats): string {
  if (!t.traffic) return 'traffic not sampled';
  const parts: string[] = [];
  if (writes) parts.push(`~${rateText(t.traffic.writesPerSec)} writes/s`);
  if (reads) parts.push(`~${rateText(t.traffic.readsPerSec)} reads/s`);
  return parts.length ? `${parts.join(' and ')} queue behind it` : `~${rateText(t.traffic.writesPerSec)} writes/s, ~${rateText(t.traffic.readsPerSec)} reads/s`;
}

/** An unqualified name that is not in `public`: the one table of that name in the snapshot, if only one. */
function uniqueByName(tables: Map<string, TableStats>, rel: Rel): TableStats | undefined {
  if (rel.schema) return undefined;
  const hits = [...tables.values()].filter((t) => t.name === rel.name);
  return hits.length === 1 ? hits[0] : undefined;
}
