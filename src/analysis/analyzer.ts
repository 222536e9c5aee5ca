import type { SourceStatement } from '../source/index.js';
import { classify, columnSpec, constraintSpec } from './classify.js';
import { blocksReads, blocksWrites, maxCost, type Cost } from './locks.js';
import { mergeLocks, rewritesAndScans, statementRuntime } from './facts.js';
import { relFromNames, type Rel } from './names.js';
import { SchemaModel, type TableInfo } from './schema.js';
import { parseDuration } from './duration.js';
import type { AnalysedStatement, AnalysisSettings, ColumnSpec, AnalysisView, Timeouts, TxState } from './types.js';

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
  /** Set when a pending file is analysed: its new tables stay new in later pending files. */
  newScope: 'file' | 'pending' = 'file';

  constructor(readonly settings: AnalysisSettings) {}

  beginFile(path: string, opts: FileOptions = {}): void {
    this.file = path;
    this.fileOpts = opts;
    this.session = { lockTimeoutMs: null, statementTimeoutMs: null };
    this.local = {};
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
      ...rewritesAndScans(c.actions),
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
    const n = a.source.node;
    if (a.kind === 'TransactionStmt') return this.transaction(n);
    if (a.kind === 'VariableSetStmt') return this.setVar(n);
    if (this.tx.inTransaction) {
      for (const l of a.locks) if (!l.isNew) this.tx.held.push(l);
    }
    this.applySchema(a);
  }

  private transaction(n: any): void {
    switch (n.kind) {
      case 'TRANS_STMT_BEGIN':
      case 'TRANS_STMT_START':
        if (!this.tx.inTransaction) this.tx = { inTransaction: true, explicit: true, id: ++this.txCounter, held: [] };
        else this.tx.explicit = true;
        return;
      case 'TRANS_STMT_COMMIT':
      case 'TRANS_STMT_ROLLBACK':
      case 'TRANS_STMT_COMMIT_PREPARED':
      case 'TRANS_STMT_ROLLBACK_PREPARED':
      case 'TRANS_STMT_PREPARE':
        this.tx = { inTransaction: false, explicit: false, id: 0, held: [] };
        this.local = {};
        return;
    }
  }

  private setVar(n: any): void {
    const name = String(n.name ?? '').toLowerCase();
    const key = name === 'lock_timeout' ? 'lockTimeoutMs' : name === 'statement_timeout' ? 'statementTimeoutMs' : undefined;
    if (n.kind === 'VAR_RESET_ALL') {
      this.session = { lockTimeoutMs: null, statementTimeoutMs: null };
      this.local = {};
      return;
    }
    if (!key) return;
    let value: number | null = null;
    if (n.kind === 'VAR_SET_VALUE') {
      const arg = n.args?.[0]?.A_Const;
      const raw = arg?.sval?.sval ?? arg?.ival?.ival ?? (arg?.ival ? 0 : undefined) ?? arg?.fval?.fval;
      const ms = parseDuration(raw);
      value = ms === null || ms === 0 ? null : ms;
    }
    // SET LOCAL lasts until the transaction ends; outside one it has no effect.
    if (n.is_local) {
      if (this.tx.inTransaction) this.local[key] = value;
    } else {
      this.session[key] = value;
      delete this.local[key];
    }
  }

  private applySchema(a: AnalysedStatement): void {
    const n = a.source.node;
    const schema = this.schema;
    const external = (rel: Rel): TableInfo => {
      const t: TableInfo = { rel, kind: 'table', columns: new Map(), constraints: new Map() };
      schema.tables.set(rel.key, t);
      return t;
    };
    const created = (rel: Rel, kind: TableInfo['kind']): TableInfo => {
      const t: TableInfo = { rel, kind, columns: new Map(), constraints: new Map(), createdIn: this.file, createdPending: !!this.fileOpts.pending, createdTxId: this.tx.id };
      schema.tables.set(rel.key, t);
      return t;
    };
    // Tables created before the linted files still get what we learn about them (constraints, indexes, columns).
    const EXTERNAL_FACTS = new Set(['add-column', 'add-constraint', 'validate-constraint', 'alter-column-type', 'set-not-null', 'drop-not-null', 'create-index']);
    for (const act of a.actions) {
      const rel = act.relation;
      let t = schema.table(rel);
      if (!t && rel && EXTERNAL_FACTS.has(act.type)) t = external(rel);
      switch (act.type) {
        case 'create-table': {
          if (!rel || (n.if_not_exists && t)) break;
          const table = created(rel, n.partspec ? 'partitioned' : 'table');
          if (n.partspec) {
            const strategy = ({ PARTITION_STRATEGY_RANGE: 'range', PARTITION_STRATEGY_LIST: 'list', PARTITION_STRATEGY_HASH: 'hash' } as const)[n.partspec.strategy as string] ?? 'range';
            table.partitionKey = { strategy, columns: (n.partspec.partParams ?? []).map((p: any) => p.PartitionElem?.name).filter((x: any): x is string => typeof x === 'string') };
          }
          this.tableElements(table, n.tableElts ?? [], a);
          break;
        }
        case 'create-table-as':
        case 'create-matview':
        case 'create-view':
          if (rel && !t) created(rel, act.type === 'create-view' ? 'view' : act.type === 'create-matview' ? 'matview' : 'table');
          break;
        case 'drop-table':
        case 'drop-view':
          if (t) {
            schema.tables.delete(t.rel.key);
            for (const [k, i] of schema.indexes) if (i.table.key === t.rel.key) schema.indexes.delete(k);
          }
          break;
        case 'create-index': {
          const name = n.idxname ?? `${rel?.name}_${act.column ?? 'expr'}_idx`;
          const cols = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? '(expr)');
          if (rel) {
            const key = `${rel.schema ?? t?.rel.schema ?? 'public'}.${name}`;
            schema.indexes.set(key, { name, table: t?.rel ?? rel, columns: cols, unique: !!n.unique, valid: true });
          }
          break;
        }
        case 'drop-index': {
          for (const o of n.objects ?? []) {
            const ir = relFromNames(o);
            const idx = schema.index(ir);
            if (idx) for (const [k, v] of schema.indexes) if (v === idx) schema.indexes.delete(k);
          }
          break;
        }
        case 'rename-table':
          if (t && n.newname) {
            schema.tables.delete(t.rel.key);
            t.rel = { ...t.rel, name: n.newname, key: `${t.rel.schema ?? 'public'}.${n.newname}`, sql: n.newname };
            schema.tables.set(t.rel.key, t);
          }
          break;
        case 'rename-column':
          if (t && act.column && n.newname) {
            const col = t.columns.get(act.column);
            if (col) { t.columns.delete(act.column); col.name = n.newname; t.columns.set(n.newname, col); }
          }
          break;
        case 'add-column':
          if (t && act.columnDef) {
            addColumn(t, act.columnDef);
          }
          break;
        case 'drop-column':
          if (t && act.column) t.columns.delete(act.column);
          break;
        case 'alter-column-type':
          if (t && act.column) { const col = t.columns.get(act.column); if (col) col.type = act.newType; }
          break;
        case 'set-not-null':
        case 'drop-not-null':
          if (t && act.column) { const col = t.columns.get(act.column); if (col) col.notNull = act.type === 'set-not-null'; }
          break;
        case 'add-constraint': {
          const spec = act.constraint;
          if (t && spec) {
            const name = spec.name ?? defaultConstraintName(t.rel.name, spec.kind, spec.columns);
            t.constraints.set(name, {
              name, kind: spec.kind, validated: !spec.notValid, columns: spec.columns, notNullColumn: spec.notNullColumn,
              references: spec.references, expr: spec.expr, addedAt: { file: this.file, statement: a.source.index, txId: this.tx.id },
            });
            if (spec.usingIndex) {
              const idx = schema.index({ ...t.rel, name: spec.usingIndex, key: `${t.rel.schema ?? 'public'}.${spec.usingIndex}` });
              if (idx) t.constraints.get(name)!.columns = idx.columns;
            }
          }
          break;
        }
        case 'validate-constraint':
          if (t && act.constraint?.name) { const c = t.constraints.get(act.constraint.name); if (c) c.validated = true; }
          break;
        case 'drop-constraint':
          if (t && act.constraint?.name) t.constraints.delete(act.constraint.name);
          break;
        case 'create-type':
          if (a.kind === 'CreateEnumStmt') {
            const er = relFromNames(n.typeName);
            if (er) schema.enums.set(er.key, { rel: er, values: (n.vals ?? []).map((v: any) => v.String?.sval) });
          }
          break;
        case 'alter-enum-add-value': {
          const er = relFromNames(n.typeName);
          const e = er && schema.enums.get(er.key);
          if (e && n.newVal && !e.values.includes(n.newVal)) e.values.push(n.newVal);
          break;
        }
      }
    }
  }

  private tableElements(table: TableInfo, elts: any[], a: AnalysedStatement): void {
    const s = a.source;
    for (const e of elts) {
      if (e.ColumnDef) {
        const c = columnSpec(e.ColumnDef, s, { start: s.start, end: s.end });
        addColumn(table, c);
        for (const cw of e.ColumnDef.constraints ?? []) {
          const con = cw.Constraint;
          if (con?.contype === 'CONSTR_CHECK') {
            const spec = constraintSpec(con, s, { start: s.start, end: s.start });
            const name = spec.name ?? `${table.rel.name}_${c.name}_check`;
            table.constraints.set(name, { name, kind: 'check', validated: true, columns: [c.name], notNullColumn: spec.notNullColumn, expr: spec.expr });
          }
        }
      } else if (e.Constraint) {
        const spec = constraintSpec(e.Constraint, s, { start: s.start, end: s.start });
        const name = spec.name ?? defaultConstraintName(table.rel.name, spec.kind, spec.columns);
        table.constraints.set(name, { name, kind: spec.kind, validated: true, columns: spec.columns, notNullColumn: spec.notNullColumn, references: spec.references, expr: spec.expr });
      }
    }
  }
}

/** A column and the constraints declared inline with it (PRIMARY KEY, UNIQUE, REFERENCES), under Postgres's default names. */
function addColumn(table: TableInfo, c: ColumnSpec): void {
  table.columns.set(c.name, { name: c.name, type: c.type, notNull: c.notNull, hasDefault: !!c.default });
  const put = (kind: 'primary' | 'unique' | 'foreign', references?: Rel) => {
    const name = defaultConstraintName(table.rel.name, kind, [c.name]);
    table.constraints.set(name, { name, kind, validated: true, columns: [c.name], ...(references ? { references } : {}) });
  };
  if (c.primaryKey) put('primary');
  if (c.unique) put('unique');
  if (c.references) put('foreign', c.references);
}

function defaultConstraintName(table: string, kind: string, columns: string[]): string {
  const suffix = { primary: 'pkey', unique: 'key', foreign: 'fkey', check: 'check', exclusion: 'excl', notnull: 'not_null', other: 'con' }[kind] ?? 'con';
  return kind === 'primary' ? `${table}_pkey` : `${table}_${columns.join('_') || 'col'}_${suffix}`;
}
