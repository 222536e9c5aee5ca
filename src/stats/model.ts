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
 * Measured through `pgsafe replay --stats` (`node scripts/stats-bench.mjs 100000 1000000 --repeat=5 --fit`): the
 * probes of `pgsafe stats calibrate` on the calibration table (6 columns, ~110 heap bytes a row) seeded at 100k and
 * 1M rows on the replay cluster (PG 15.18, tmpfs, fsync off, 2 cores), medians of 5 replays each, in the quietest
 * sitting of the session (load average 0.1 at the start, 7.4 at the end; other work on the machine only adds time),
 * fitted per class by `fitRelative` (rows/s minimising the log of measured / estimated; no fixed part). Cold rates
 * keep the previous model's cold/warm ratio (from a 10M-row run, 4x shared_buffers). docs/stats.md has the figures.
 */
export const DEFAULT_MODEL: CostModel = {
  source: 'default',
  measuredOn: 'PG 15, 2 cores',
  measuredAt: '2026-12-02',
  ops: {
    'index-build': { rowsPerSec: 910_000, bytesPerSec: 103_000_000, overheadMs: 0, coldBytesPerSec: 76_000_000 },
    rewrite: { rowsPerSec: 450_000, bytesPerSec: 51_000_000, overheadMs: 0, coldBytesPerSec: 29_000_000 },
    validation: { rowsPerSec: 4_500_000, bytesPerSec: 510_000_000, overheadMs: 0, coldBytesPerSec: 195_000_000 },
    'seq-scan': { rowsPerSec: 9_300_000, bytesPerSec: 1_050_000_000, overheadMs: 0, coldBytesPerSec: 354_000_000 },
    backfill: { rowsPerSec: 180_000, bytesPerSec: 20_000_000, overheadMs: 0, coldBytesPerSec: 9_800_000 },
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
