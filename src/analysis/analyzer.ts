import type { SourceStatement } from '../source/index.js';
import { classify } from './classify.js';
import { blocksReads, blocksWrites, maxCost, type Cost } from './locks.js';
import { mergeLocks, rewritesAndScans, statementRuntime } from './facts.js';
import type { Rel } from './names.js';
import { SchemaModel } from './schema.js';
import { applyAction } from './reducer.js';
import { parseDuration } from './duration.js';
import type { ActionOf, AnalysedStatement, AnalysisSettings, AnalysisView, Timeouts, TxControl, TxState } from './types.js';

/** TimeZone values at UTC offset 0 with no DST, as `SET timezone` takes them (lower-cased). */
const UTC_ZONES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'zulu', 'etc/zulu', 'universal', 'etc/universal', 'uct', 'etc/uct', 'gmt0', 'etc/gmt0', 'greenwich', 'z', '0', '+00', '+00:00', 'utc0']);

export interface FileOptions {
  /** The file runs inside one transaction (a framework wraps it, or `--assume-in-transaction`). */
  inTransaction?: boolean;
  /** Tables this file creates count as new for later pending files too. */
  pending?: boolean;
  /** How the framework wrapping this file in a transaction lets a migration opt out (an imperative, for help texts). */
  transactionOptOut?: string;
  /**
   * The wrapping transaction is Postgres's implicit block for a multi-statement query string (golang-migrate,
   * Prisma), not a BEGIN sent by the tool: a BEGIN in the file turns it into a regular block instead of nesting.
   */
  implicitTransaction?: boolean;
}

/**
 * Walks statements in order, file after file, and works out for each what
 * Postgres will do. Call `analyse` then `apply` for every statement: rules run
 * between the two and so see the schema as it was before the statement.
 */
export class Analyzer implements AnalysisView {
  readonly schema = new SchemaModel();
  private file = '';
  private fileOpts: FileOptions = {};
  private tx: TxState = { inTransaction: false, explicit: false, id: 0, held: [] };
  private txCounter = 0;
  private session: Timeouts = { lockTimeoutMs: null, statementTimeoutMs: null };
  private local: Partial<Timeouts> = {};
  /** `SET timezone` of the file: session and SET LOCAL; undefined when not set (the server's default, unknown). */
  private tz: { session?: string; local?: string } = {};
  /** Set when a pending file is analysed: its new tables stay new in later pending files. */
  newScope: 'file' | 'pending' = 'file';

  constructor(readonly settings: AnalysisSettings) {}

  beginFile(path: string, opts: FileOptions = {}): void {
    this.file = path;
    this.fileOpts = opts;
    this.session = { lockTimeoutMs: null, statementTimeoutMs: null };
    this.local = {};
    this.tz = {};
    const wrapped = opts.inTransaction ?? this.settings.assumeInTransaction;
    this.tx = { inTransaction: wrapped, explicit: false, id: wrapped ? ++this.txCounter : 0, held: [], ...(wrapped && opts.transactionOptOut ? { optOut: opts.transactionOptOut } : {}), ...(wrapped && opts.implicitTransaction ? { implicit: true } : {}) };
  }

  get currentFile(): string {
    return this.file;
  }

  isNew(rel: Rel | undefined): boolean {
    const t = this.schema.table(rel);
    return !!t && (t.createdIn === this.file || (this.newScope === 'pending' && !!t.createdPending && !!this.fileOpts.pending));
  }

  timeZoneUtc(): boolean {
    const tz = this.tz.local ?? this.tz.session;
    return tz !== undefined && UTC_ZONES.has(tz.toLowerCase());
  }

  private timeouts(): Timeouts {
    return {
      lockTimeoutMs: this.local.lockTimeoutMs !== undefined ? this.local.lockTimeoutMs : this.session.lockTimeoutMs,
      statementTimeoutMs: this.local.statementTimeoutMs !== undefined ? this.local.statementTimeoutMs : this.session.statementTimeoutMs,
    };
  }

  analyse(s: SourceStatement): AnalysedStatement {
    const c = classify(s, this);
    const locks = mergeLocks(c.actions, s.index, (r) => this.isNew(r));
    let cost: Cost = 'none';
    for (const a of c.actions) if (!a.relation || !this.isNew(a.relation)) cost = maxCost(cost, a.cost);
    const existing = locks.filter((l) => !l.isNew);
    return {
      source: s,
      file: this.file,
      kind: s.kind,
      actions: c.actions,
      locks,
      cost,
      ...rewritesAndScans(c.actions, (r) => this.isNew(r) && !this.schema.table(r)?.filled),
      runtime: statementRuntime(s.kind, c.actions, (r) => this.isNew(r)),
      blocks: { reads: existing.some((l) => blocksReads(l.mode)), writes: existing.some((l) => blocksWrites(l.mode)) },
      // Inside a DO block (s.parent): the block runs as one statement, in the file's
      // transaction or its own implicit one, so CONCURRENTLY and the like fail there.
      tx: { ...this.tx, inTransaction: this.tx.inTransaction || !!s.parent, held: [...this.tx.held] },
      timeouts: this.timeouts(),
      noTransaction: c.noTransaction,
      unanalyzed: c.unanalyzed ?? s.unanalyzed,
    };
  }

  /** Records the statement's effects: transaction state, timeouts, locks held, schema. */
  apply(a: AnalysedStatement): void {
    for (const act of a.actions) {
      if (act.type === 'transaction') return this.transaction(act.tx);
      if (act.type === 'set' && a.kind === 'VariableSetStmt') return this.setVar(act);
    }
    if (this.tx.inTransaction) {
      for (const l of a.locks) if (!l.isNew) this.tx.held.push(l);
    }
    this.applySchema(a);
  }

  private transaction(tx: TxControl): void {
    switch (tx) {
      case 'begin':
        if (!this.tx.inTransaction) this.tx = { inTransaction: true, explicit: true, id: ++this.txCounter, held: [] };
        else this.tx.explicit = true;
        return;
      case 'commit':
      case 'rollback':
      case 'commit-prepared':
      case 'rollback-prepared':
      case 'prepare':
        this.tx = { inTransaction: false, explicit: false, id: 0, held: [] };
        this.local = {};
        delete this.tz.local;
        return;
    }
  }

  private setVar(set: ActionOf<'set'>): void {
    const name = set.name;
    if (name === 'timezone' || set.reset === 'all') this.setTimeZone(set);
    const key = name === 'lock_timeout' ? 'lockTimeoutMs' : name === 'statement_timeout' ? 'statementTimeoutMs' : undefined;
    if (set.reset === 'all') {
      this.session = { lockTimeoutMs: null, statementTimeoutMs: null };
      this.local = {};
      return;
    }
    if (!key) return;
    let value: number | null = null;
    if (set.value !== undefined) {
      const ms = parseDuration(set.value);
      value = ms === null || ms === 0 ? null : ms;
    }
    // SET LOCAL lasts until the transaction ends; outside one it has no effect.
    if (set.local) {
      if (this.tx.inTransaction) this.local[key] = value;
    } else {
      this.session[key] = value;
      delete this.local[key];
    }
  }

  private setTimeZone(set: ActionOf<'set'>): void {
    const value = set.reset !== 'none' || set.value === undefined ? undefined : String(set.value);
    if (set.reset === 'all') this.tz = {};
    else if (set.local) { if (this.tx.inTransaction) this.tz.local = value ?? ''; }
    else { this.tz.session = value; delete this.tz.local; }
  }

  private applySchema(a: AnalysedStatement): void {
    const ctx = { file: this.file, pending: !!this.fileOpts.pending, txId: this.tx.id, statement: a.source.index };
    for (const act of a.actions) applyAction(this.schema, act, ctx);
  }
}

export interface RunHooks {
  /** Runs between `analyse` and `apply`, so it sees the schema as it was before the statement (rules do). */
  onStatement?(a: AnalysedStatement): void;
  /** A statement that did not parse: not analysed. */
  onSyntaxError?(s: SourceStatement): void;
  /** The lock model failed on this statement: it was not analysed (callers must say so, never pass it as safe). */
  onError?(s: SourceStatement, err: Error): void;
}

/** The analyzer loop over one file's statements: analyse, hook, apply. Returns the analysed statements. */
export function runStatements(analyzer: Analyzer, statements: readonly SourceStatement[], hooks: RunHooks = {}): AnalysedStatement[] {
  const out: AnalysedStatement[] = [];
  for (const s of statements) {
    if (s.kind === 'SyntaxError') { hooks.onSyntaxError?.(s); continue; }
    let a: AnalysedStatement;
    try {
      a = analyzer.analyse(s);
    } catch (err) {
      hooks.onError?.(s, err instanceof Error ? err : new Error(String(err)));
      continue;
    }
    out.push(a);
    hooks.onStatement?.(a);
    try {
      analyzer.apply(a);
    } catch {
      // The schema model misses this statement's effect; later facts are only less precise.
    }
  }
  return out;
}
