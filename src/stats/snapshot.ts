// The stats snapshot: production's shape (sizes, traffic, server) without its data.
// Format documented in docs/stats.md; JSON schema in schema/pgsafe-stats.schema.json.
import { readFileSync } from 'node:fs';
import type { CostModel } from './model.js';

export const SNAPSHOT_VERSION = 1;

export interface IndexStats {
  name: string;
  bytes: number;
  /** Key columns in order; `null` for an expression. */
  columns: (string | null)[];
}

export interface Traffic {
  /** Sequential plus index scans per second over the sample window. */
  readsPerSec: number;
  /** Rows inserted, updated and deleted per second over the sample window. */
  writesPerSec: number;
}

export interface TableStats {
  schema: string;
  name: string;
  /** `pg_class.reltuples`; null when the table was never vacuumed or analysed. */
  rows: number | null;
  heapBytes: number;
  indexBytes: number;
  toastBytes: number;
  indexes: IndexStats[];
  /** Absent when the snapshot was taken with `--sample 0`. */
  traffic?: Traffic;
}

export interface StatsSnapshot {
  pgsafeStats: typeof SNAPSHOT_VERSION;
  takenAt: string;
  /** `sharedBuffersBytes`: shared_buffers, where the cost model switches to its cold byte rate. */
  server: { version: string; major: number; maxConnections: number; sharedBuffersBytes?: number };
  /** Length of the traffic sample; 0 when none was taken. */
  sampleSeconds: number;
  tables: TableStats[];
  /** Fitted by `pgsafe stats calibrate`; absent: the built-in default model. */
  model?: CostModel;
}

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** Reads and checks a snapshot file; a clear message for anything that is not one. */
export function readSnapshot(file: string): StatsSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SnapshotError(`cannot read stats file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(`stats file ${file} is not JSON: ${(err as Error).message}`);
  }
  return checkSnapshot(data, file);
}

export function checkSnapshot(data: unknown, file = 'stats'): StatsSnapshot {
  const bad = (why: string) => new SnapshotError(`stats file ${file}: ${why} (take one with \`pgsafe stats\`)`);
  if (!isObject(data)) throw bad('not a pgsafe stats snapshot');
  if (data.pgsafeStats !== SNAPSHOT_VERSION) {
    throw bad(data.pgsafeStats === undefined ? 'not a pgsafe stats snapshot (no "pgsafeStats" version)' : `version ${String(data.pgsafeStats)} is not supported (this pgsafe reads ${SNAPSHOT_VERSION})`);
  }
  if (!Array.isArray(data.tables)) throw bad('"tables" must be an array');
  data.tables.forEach((t, i) => {
    if (!isObject(t) || typeof t.schema !== 'string' || typeof t.name !== 'string') throw bad(`tables[${i}] needs "schema" and "name"`);
    if (t.rows !== null && typeof t.rows !== 'number') throw bad(`tables[${i}].rows must be a number or null`);
    for (const k of ['heapBytes', 'indexBytes', 'toastBytes']) if (typeof t[k] !== 'number') throw bad(`tables[${i}].${k} must be a number`);
    if (!Array.isArray(t.indexes)) t.indexes = [];
  });
  if (!isObject(data.server)) throw bad('"server" must be an object');
  if (data.model !== undefined && (!isObject(data.model) || !isObject(data.model.ops))) throw bad('"model" must be an object with "ops"');
  return data as unknown as StatsSnapshot;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `schema.name` → table, for looking up the relations the migrations touch. */
export function tableIndex(s: StatsSnapshot): Map<string, TableStats> {
  return new Map(s.tables.map((t) => [`${t.schema}.${t.name}`, t]));
}
