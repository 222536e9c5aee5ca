// `lint --stats`: a post-pass over lint results. Each finding on a statement that touches an
// existing table gains that table's size, traffic and the estimated duration of its lock, and its
// severity follows the estimate. Without a snapshot nothing calls this, so output is unchanged.
import type { AnalysedStatement } from '../analysis/types.js';
import type { FileResult, Finding, FindingEstimate } from '../engine/engine.js';
import { DEFAULT_MODEL, modelLabel, type CostModel } from './model.js';
import { rangeText } from './format.js';
import { estimateStatement } from './estimate.js';
import { tableIndex, type StatsSnapshot } from './snapshot.js';

/** Engine diagnostics keep their severity: they are about pgsafe, not the lock. */
const META = new Set(['syntax-error', 'unanalyzed-statement', 'unused-ignore']);

export const DEFAULT_THRESHOLD_MS = 1000;

export interface AnnotateOptions {
  snapshot: StatsSnapshot;
  /** Estimated blocking below this: info; at or above: error (warning when the sample saw no traffic it would block). */
  thresholdMs?: number;
  /** Overrides the snapshot's own model (tests). */
  model?: CostModel;
}

export function annotateResults(results: FileResult[], o: AnnotateOptions): FileResult[] {
  const tables = tableIndex(o.snapshot);
  const model = o.model ?? o.snapshot.model ?? DEFAULT_MODEL;
  const threshold = o.thresholdMs ?? DEFAULT_THRESHOLD_MS;
  const one = (r: FileResult): FileResult => {
    const byIndex = new Map<number, AnalysedStatement>();
    for (const a of r.analysed ?? []) if (!byIndex.has(a.source.index)) byIndex.set(a.source.index, a);
    const own = new Map<AnalysedStatement, FindingEstimate | undefined>();
    const each = (a: AnalysedStatement) => {
      if (!own.has(a)) own.set(a, estimateStatement(a, tables, model, o.snapshot.server.sharedBuffersBytes));
      return own.get(a);
    };
    const statements = [...byIndex.values()];
    const findings = r.findings.map((f): Finding => {
      const a = f.statement >= 0 ? byIndex.get(f.statement) : undefined;
      const estimate = a && untilCommit(each(a), a, statements, each, model);
      if (!estimate) return f;
      return { ...f, estimate, severity: META.has(f.rule) ? f.severity : severityFor(f, estimate, threshold) };
    });
    return { ...r, findings, ...(r.rollback ? { rollback: one(r.rollback) } : {}) };
  };
  return results.map(one);
}

function severityFor(f: Finding, e: NonNullable<Finding['estimate']>, thresholdMs: number): Finding['severity'] {
  // Only a duration that holds up reads or writes moves the severity; catalog-only changes and
  // unknown tables keep the rule's (their risk is the lock queue, which no size predicts).
  if (e.highMs === undefined || !e.blocks || !/reads|writes/.test(e.blocks)) return f.severity;
  if (e.highMs < thresholdMs) return 'info';
  const rateOf = (blocks: string, x: { readsPerSec?: number; writesPerSec?: number }) => (/writes/.test(blocks) ? x.writesPerSec ?? NaN : 0) + (/reads/.test(blocks) ? x.readsPerSec ?? NaN : 0);
  // The referenced table of a foreign key is blocked for the same time: its traffic counts too.
  const rate = rateOf(e.blocks, e) + (e.related ?? []).filter((x) => x.known).reduce((sum, x) => sum + rateOf(x.blocks, x), 0);
  return rate === 0 ? 'warning' : 'error';
}

/**
 * Inside a transaction a lock lasts until COMMIT: the later statements of the same transaction run while it is
 * held, so their estimated time is added to the statement's (a catalog-only ALTER followed by a backfill blocks
 * for as long as the backfill runs).
 */
export function untilCommit(e: FindingEstimate | undefined, a: AnalysedStatement, all: AnalysedStatement[], each: (x: AnalysedStatement) => FindingEstimate | undefined, model: CostModel): FindingEstimate | undefined {
  if (!e || !e.known || !a.tx.inTransaction || !e.blocks || !/reads|writes/.test(e.blocks)) return e;
  const later = all.filter((x) => x.source.index > a.source.index && !x.source.parent && x.tx.inTransaction && x.tx.id === a.tx.id && x.kind !== 'TransactionStmt');
  let lowMs = 0;
  let highMs = 0;
  let notEstimated = 0;
  for (const x of later) {
    const xe = each(x);
    if (xe?.lowMs !== undefined && xe.highMs !== undefined) {
      lowMs += xe.lowMs;
      highMs += xe.highMs;
    } else if (x.runtime !== 'instant') notEstimated++;
  }
  if (later.length === 0 || (highMs === 0 && notEstimated === 0)) return e;
  const statementLowMs = e.lowMs ?? 0;
  const statementHighMs = e.highMs ?? 0;
  const n = later.length;
  const name = `"${e.table.replace(/^public\./, '')}"`;
  const laterText = highMs > 0 ? `${rangeText(lowMs, highMs)} for the ${n} later statement${n === 1 ? '' : 's'} of its transaction` : `the ${n} later statement${n === 1 ? '' : 's'} of its transaction`;
  const unknown = notEstimated ? ` (${notEstimated} of them not estimated: the total can be longer)` : '';
  return {
    ...e,
    lowMs: statementLowMs + lowMs,
    highMs: statementHighMs + highMs,
    model: e.model ?? modelLabel(model),
    untilCommit: { statements: n, notEstimated, lowMs, highMs, statementLowMs, statementHighMs },
    text: `est. ${rangeText(statementLowMs + lowMs, statementHighMs + highMs)} of blocked ${e.blocks} on ${name} until COMMIT, with ${laterText}${unknown} run while the lock is held; the statement itself: ${e.text}`,
  };
}

