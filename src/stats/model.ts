// The cost model: how fast each class of work runs, as throughput, so an estimate scales with the
// table. Defaults measured on PG 15 on a 2-core machine (method and figures in docs/stats.md);
// `pgsafe stats calibrate` fits the same figures on the user's own server class.

/** Classes of work whose duration grows with the table. */
export const OP_CLASSES = ['index-build', 'rewrite', 'validation', 'seq-scan', 'backfill'] as const;
export type OpClass = (typeof OP_CLASSES)[number];

export interface Throughput {
  rowsPerSec: number;
  /** Over the bytes the class reads (heap; a rewrite also rewrites toast and rebuilds the indexes). */
  bytesPerSec: number;
  /** Fixed part: planning, catalog updates, commit. */
  overheadMs: number;
  /** Bytes/s over the part of a table beyond `cacheBytes` (read through the OS, not shared buffers). */
  coldBytesPerSec?: number;
}

export interface CostModel {
  /** "default" or "calibrated": which model an estimate came from is printed with it. */
  source: 'default' | 'calibrated';
  /** Where the figures were measured: "PG 15.18, 2 cores". */
  measuredOn: string;
  measuredAt?: string;
  ops: Record<OpClass, Throughput>;
  /** The estimate is the range [fit × low, fit × high]. */
  spread: { low: number; high: number };
  /** shared_buffers of the server it was measured on; a snapshot's own `server.sharedBuffersBytes` wins. */
  cacheBytes?: number;
}

/**
 * Fitted by `node scripts/stats-bench.mjs --fit` (the probes of `pgsafe stats calibrate`) at 100k and 1M
 * rows of the calibration table (6 columns, ~109 heap bytes a row) on PG 15.18, 2 cores shared with
 * other work (load average 14–17), tmpfs, fsync off: the geometric mean of two fits taken at different
 * load (docs/stats.md has both). Overheads rounded; a negative fitted overhead is 0.
 */
export const DEFAULT_MODEL: CostModel = {
  source: 'default',
  measuredOn: 'PG 15, 2 shared cores',
  measuredAt: '2026-12-02',
  // Cold rates: from one 10M-row run (1.09 GB, 4× shared_buffers), the in-cache share taken out.
  ops: {
    'index-build': { rowsPerSec: 560_000, bytesPerSec: 61_000_000, overheadMs: 10, coldBytesPerSec: 45_000_000 },
    rewrite: { rowsPerSec: 240_000, bytesPerSec: 26_000_000, overheadMs: 20, coldBytesPerSec: 15_000_000 },
    validation: { rowsPerSec: 2_900_000, bytesPerSec: 315_000_000, overheadMs: 5, coldBytesPerSec: 120_000_000 },
    'seq-scan': { rowsPerSec: 6_700_000, bytesPerSec: 730_000_000, overheadMs: 3, coldBytesPerSec: 247_000_000 },
    backfill: { rowsPerSec: 94_000, bytesPerSec: 10_000_000, overheadMs: 0, coldBytesPerSec: 4_800_000 },
  },
  spread: { low: 0.6, high: 1.8 },
  cacheBytes: 256 * 1024 ** 2,
};

export interface Work {
  op: OpClass;
  rows: number;
  bytes: number;
  /** shared_buffers of the target server, when the snapshot knows it. */
  cacheBytes?: number;
}

/**
 * Milliseconds: the fixed part plus the slower of the row-bound and the byte-bound time, over the share of
 * the table that fits in shared buffers; the rest at the cold byte rate.
 */
export function pointMs(model: CostModel, w: Work): number {
  const t = model.ops[w.op] ?? DEFAULT_MODEL.ops[w.op];
  const byRows = t.rowsPerSec > 0 ? w.rows / t.rowsPerSec : 0;
  const byBytes = t.bytesPerSec > 0 ? w.bytes / t.bytesPerSec : 0;
  const cache = w.cacheBytes ?? model.cacheBytes;
  const warm = cache && t.coldBytesPerSec && w.bytes > cache ? cache / w.bytes : 1;
  const cold = warm < 1 ? (w.bytes * (1 - warm)) / t.coldBytesPerSec! : 0;
  return t.overheadMs + 1000 * (warm * Math.max(byRows, byBytes) + cold);
}

export function rangeMs(model: CostModel, ms: number): { lowMs: number; highMs: number } {
  return { lowMs: ms * model.spread.low, highMs: ms * model.spread.high };
}

export function modelLabel(m: CostModel): string {
  return m.source === 'default' ? `default model (${m.measuredOn})` : `calibrated model (${m.measuredOn}${m.measuredAt ? `, ${m.measuredAt.slice(0, 10)}` : ''})`;
}
