// What replay observed per statement: plain data shared by the tracer, the lint comparison and the reports.

export interface LockInfo {
  relation: string;
  mode: string;
  /** Seen only by the observer while the statement ran, released before it ended. */
  transient?: boolean;
}

export interface WaitInfo {
  /** A relation name, or `virtualxid`/`transactionid` for waits on another transaction. */
  on: string;
  /**
   * pg_locks' lock type: `relation` (the lock queue), `transactionid`/`virtualxid` (another transaction), `extend`
   * (relation extension: a brief wait on a page, not the application's blocking), `tuple`, …
   */
  locktype: string;
  mode: string;
  /** Time actually spent waiting: the sum of the stretches the observer saw, not first-to-last sighting. */
  ms: number;
}

export interface RewriteInfo {
  relation: string;
  kind: string;
}

export interface ScanInfo {
  relation: string;
  seqScans: number;
  rowsRead?: number;
}

export type TraceMode = 'traced' | 'outside-transaction' | 'transaction-control' | 'skipped' | 'not-run';

export interface StatementTrace {
  line: number;
  column: number;
  endLine: number;
  sql: string;
  kind: string;
  mode: TraceMode;
  inTransaction: boolean;
  durationMs: number;
  locks: LockInfo[];
  /** Locks taken by earlier statements of the same transaction, still held while this one runs. */
  heldLocks: LockInfo[];
  waits: WaitInfo[];
  rewrites: RewriteInfo[];
  scans: ScanInfo[];
  blocked: {
    readsMs: number;
    writesMs: number;
    readsOn?: string;
    writesOn?: string;
    /** Writes waited on row locks (rows the statement changed), not on a table lock. */
    writesByRowLocks?: boolean;
    /** Start of the longest blocked stretch, ms on the replay's clock (as `startMs`). */
    readsAtMs?: number;
    writesAtMs?: number;
  };
  /** When the statement started, ms since the trace began (the timeline's clock). */
  startMs?: number;
  /** `lock_timeout` in force for the statement, in ms (0 = none). */
  lockTimeoutMs: number;
  error?: { code?: string; message: string };
  notes: string[];
  /** Lint findings on this statement, confirmed or refuted by what replay saw. */
  static?: StaticVerdict[];
  /** With `--stats`: the cost model's estimate for the seeded table beside the measured duration (src/replay/stats-seed.ts). */
  estimate?: ReplayEstimate;
}

export interface StaticVerdict {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  /** `negligible`: replay saw what the finding says, but too briefly to matter at the seeded size. */
  verdict: 'confirmed' | 'refuted' | 'negligible';
  /** What replay saw, e.g. "rewrite confirmed: 2.1 s at 1,000,000 rows". */
  evidence: string;
}

/** Per traced statement: the estimate at the seeded size, what replay measured, and the estimate at production size. */
export interface ReplayEstimate {
  table: string;
  op: string;
  model: string;
  /** Rows of the table on the replay server, and its heap and TOAST bytes (what the cost model reads). */
  rows: number;
  bytes: number;
  lowMs: number;
  highMs: number;
  pointMs: number;
  measuredMs: number;
  /** measured / point. */
  ratio: number;
  /** Estimate on the snapshot's own size, when it differs from the seeded one (a scale, or seeding fell short). */
  production?: { rows: number; bytes: number; lowMs: number; highMs: number; text: string };
}

