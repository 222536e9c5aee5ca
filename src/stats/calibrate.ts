// Calibration: run each class of work on synthetic tables of a few sizes in a scratch database,
// time it, and fit throughput (rows/s, bytes/s) plus a fixed part per class.
import type pg from 'pg';
import { DEFAULT_MODEL, OP_CLASSES, type CostModel, type OpClass, type Throughput } from './model.js';

/** The statements timed, each with the class the cost model files it under. */
export const PROBES: { id: string; op: OpClass; setup?: string; sql: string; undo?: string }[] = [
  { id: 'create-index', op: 'index-build', sql: 'CREATE INDEX pgsafe_cal_a ON pgsafe_cal (a)', undo: 'DROP INDEX pgsafe_cal_a' },
  { id: 'add-foreign-key', op: 'validation', sql: 'ALTER TABLE pgsafe_cal ADD CONSTRAINT pgsafe_cal_fk FOREIGN KEY (parent_id) REFERENCES pgsafe_cal_parent (id)', undo: 'ALTER TABLE pgsafe_cal DROP CONSTRAINT pgsafe_cal_fk' },
  {
    id: 'validate-foreign-key', op: 'validation',
    setup: 'ALTER TABLE pgsafe_cal ADD CONSTRAINT pgsafe_cal_fk FOREIGN KEY (parent_id) REFERENCES pgsafe_cal_parent (id) NOT VALID',
    sql: 'ALTER TABLE pgsafe_cal VALIDATE CONSTRAINT pgsafe_cal_fk', undo: 'ALTER TABLE pgsafe_cal DROP CONSTRAINT pgsafe_cal_fk',
  },
  {
    id: 'validate-check', op: 'seq-scan', setup: 'ALTER TABLE pgsafe_cal ADD CONSTRAINT pgsafe_cal_ck CHECK (a >= 0) NOT VALID',
    sql: 'ALTER TABLE pgsafe_cal VALIDATE CONSTRAINT pgsafe_cal_ck', undo: 'ALTER TABLE pgsafe_cal DROP CONSTRAINT pgsafe_cal_ck',
  },
  { id: 'set-not-null', op: 'seq-scan', sql: 'ALTER TABLE pgsafe_cal ALTER COLUMN c SET NOT NULL', undo: 'ALTER TABLE pgsafe_cal ALTER COLUMN c DROP NOT NULL' },
  { id: 'add-column-volatile-default', op: 'rewrite', sql: 'ALTER TABLE pgsafe_cal ADD COLUMN f float8 DEFAULT random()', undo: 'ALTER TABLE pgsafe_cal DROP COLUMN f' },
  // Last: it leaves a dead version of every row.
  { id: 'update-all-rows', op: 'backfill', sql: 'UPDATE pgsafe_cal SET a = a + 1' },
];

export interface Measurement {
  probe: string;
  op: OpClass;
  rows: number;
  /** Heap bytes of the table when the probe ran. */
  bytes: number;
  ms: number;
}

/** The synthetic tables (1,000-row parent; `rows`-row child with a PK), as SQL. Fails if they exist: never drops a table it did not make. */
export const calibrationSql = (rows: number): string => `
CREATE TABLE pgsafe_cal_parent (id int PRIMARY KEY);
INSERT INTO pgsafe_cal_parent SELECT g FROM generate_series(1, 1000) g;
CREATE TABLE pgsafe_cal (id bigint PRIMARY KEY, parent_id int, a int, b varchar(10), c timestamptz, d text);
INSERT INTO pgsafe_cal SELECT g, 1 + g % 1000, g % 100000, left(md5(g::text), 10), now() - g * interval '1 second', md5(g::text)
FROM generate_series(1, ${Math.floor(rows)}) g;
`;

/** Times every probe once on a fresh synthetic table of `rows` rows (after a warm-up scan). */
/** Creates the synthetic tables and vacuums them (so reltuples and relpages are exact). */
export async function createCalibrationTables(client: pg.Client, rows: number): Promise<void> {
  await client.query(calibrationSql(rows));
  // VACUUM cannot share a multi-statement query (an implicit transaction).
  await client.query('VACUUM ANALYZE pgsafe_cal_parent');
  await client.query('VACUUM ANALYZE pgsafe_cal');
}

export async function measure(client: pg.Client, rows: number, onProbe?: (m: Measurement) => void): Promise<Measurement[]> {
  await createCalibrationTables(client, rows);
  try {
    return await probe(client, rows, onProbe);
  } finally {
    await client.query('DROP TABLE IF EXISTS pgsafe_cal, pgsafe_cal_parent');
  }
}

async function probe(client: pg.Client, rows: number, onProbe?: (m: Measurement) => void): Promise<Measurement[]> {
  const bytes = Number((await client.query(`SELECT pg_relation_size('pgsafe_cal') AS b`)).rows[0].b);
  // The first heavy statement after a load runs slower: read the table once first.
  await client.query('SELECT count(*) FROM pgsafe_cal');
  const out: Measurement[] = [];
  for (const p of PROBES) {
    if (p.setup) await client.query(p.setup);
    const t0 = performance.now();
    await client.query(p.sql);
    const m = { probe: p.id, op: p.op, rows, bytes, ms: performance.now() - t0 };
    out.push(m);
    onProbe?.(m);
    if (p.undo) await client.query(p.undo);
  }
  return out;
}

/** Least squares of ms = overhead + rows / rowsPerSec per class; bytes/s at the same pace. */
export function fitModel(ms: Measurement[], measuredOn: string, cacheBytes?: number): CostModel {
  const ops = {} as Record<OpClass, Throughput>;
  for (const op of OP_CLASSES) {
    const pts = ms.filter((m) => m.op === op);
    if (pts.length === 0 || new Set(pts.map((p) => p.rows)).size < 2) {
      ops[op] = DEFAULT_MODEL.ops[op];
      continue;
    }
    const n = pts.length;
    const mx = pts.reduce((a, p) => a + p.rows, 0) / n;
    const my = pts.reduce((a, p) => a + p.ms, 0) / n;
    const sxx = pts.reduce((a, p) => a + (p.rows - mx) ** 2, 0);
    const sxy = pts.reduce((a, p) => a + (p.rows - mx) * (p.ms - my), 0);
    let slope = sxy / sxx;
    let overhead = my - slope * mx;
    if (!(slope > 0)) slope = my / mx;
    if (overhead < 0) {
      // Through the origin instead.
      slope = pts.reduce((a, p) => a + p.rows * p.ms, 0) / pts.reduce((a, p) => a + p.rows * p.rows, 0);
      overhead = 0;
    }
    const rowsPerSec = 1000 / slope;
    const bytesPerRow = pts.reduce((a, p) => a + p.bytes / p.rows, 0) / n;
    const bytesPerSec = Math.round(rowsPerSec * bytesPerRow);
    // Calibration sizes fit in shared buffers: the cold rate keeps the default model's cold/warm ratio.
    const d = DEFAULT_MODEL.ops[op];
    ops[op] = { rowsPerSec: Math.round(rowsPerSec), bytesPerSec, overheadMs: Math.round(overhead * 10) / 10, ...(d.coldBytesPerSec ? { coldBytesPerSec: Math.round((bytesPerSec * d.coldBytesPerSec) / d.bytesPerSec) } : {}) };
  }
  return { source: 'calibrated', measuredOn, measuredAt: new Date().toISOString(), ops, spread: DEFAULT_MODEL.spread, ...(cacheBytes ? { cacheBytes } : {}) };
}

/**
 * The default model's fit: per class, the rows/s that minimises the squared log of measured / estimated over every
 * size (the geometric mean of rows/ms), with no fixed part. What the check asks of an estimate is a ratio ("within
 * 2×"), so the fit weighs a 5 ms statement at 100k rows as much as a 5 s one at 1M; a least-squares line in ms would
 * fit the large ones and leave small ones off by more than 2×.
 */
export function fitRelative(ms: Measurement[], measuredOn: string, cacheBytes?: number): CostModel {
  const ops = {} as Record<OpClass, Throughput>;
  for (const op of OP_CLASSES) {
    const pts = ms.filter((m) => m.op === op && m.ms > 0);
    if (pts.length === 0) {
      ops[op] = DEFAULT_MODEL.ops[op];
      continue;
    }
    const rowsPerSec = Math.exp(pts.reduce((a, p) => a + Math.log((p.rows * 1000) / p.ms), 0) / pts.length);
    const bytesPerSec = Math.exp(pts.reduce((a, p) => a + Math.log((p.bytes * 1000) / p.ms), 0) / pts.length);
    const d = DEFAULT_MODEL.ops[op];
    ops[op] = { rowsPerSec: Math.round(rowsPerSec), bytesPerSec: Math.round(bytesPerSec), overheadMs: 0, ...(d.coldBytesPerSec ? { coldBytesPerSec: Math.round((bytesPerSec * d.coldBytesPerSec) / d.bytesPerSec) } : {}) };
  }
  return { source: 'calibrated', measuredOn, measuredAt: new Date().toISOString(), ops, spread: DEFAULT_MODEL.spread, ...(cacheBytes ? { cacheBytes } : {}) };
}

/** Per probe and size, the fastest run: other work on the machine only ever adds time. */
export function fastest(ms: Measurement[]): Measurement[] {
  const best = new Map<string, Measurement>();
  for (const m of ms) {
    const k = `${m.probe}@${m.rows}`;
    const b = best.get(k);
    if (!b || m.ms < b.ms) best.set(k, m);
  }
  return [...best.values()];
}

export async function calibrate(client: pg.Client, sizes: number[], repeat = 2, onProbe?: (m: Measurement) => void): Promise<{ model: CostModel; measurements: Measurement[] }> {
  const r = (await client.query(`SELECT current_setting('server_version') AS v, (SELECT setting::int8 * current_setting('block_size')::int8 FROM pg_settings WHERE name = 'shared_buffers') AS sb`)).rows[0];
  const v = r.v as string;
  const all: Measurement[] = [];
  for (let r = 0; r < repeat; r++) for (const rows of sizes) all.push(...(await measure(client, rows, onProbe)));
  const best = fastest(all);
  return { model: fitModel(best, `PG ${v.split(' ')[0]}`, Number(r.sb)), measurements: best };
}
