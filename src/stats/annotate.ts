// `lint --stats`: a post-pass over lint results. Each finding on a statement that touches an
// existing table gains that table's size, traffic and the estimated duration of its lock, and its
// severity follows the estimate. Without a snapshot nothing calls this, so output is unchanged.
import type { AnalysedStatement } from '../analysis/types.js';
import type { FileResult, Finding } from '../engine/engine.js';
import { DEFAULT_MODEL, type CostModel } from './model.js';
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
    const findings = r.findings.map((f): Finding => {
      const a = f.statement >= 0 ? byIndex.get(f.statement) : undefined;
      const estimate = a && estimateStatement(a, tables, model, o.snapshot.server.sharedBuffersBytes);
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
  const rate = (/writes/.test(e.blocks) ? e.writesPerSec ?? NaN : 0) + (/reads/.test(e.blocks) ? e.readsPerSec ?? NaN : 0);
  return rate === 0 ? 'warning' : 'error';
}

