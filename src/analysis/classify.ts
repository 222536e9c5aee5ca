// The extraction: what a statement does, as typed facts (actions.ts), from the libpg-query tree.
// Locks and costs come from the lock table (lock-table.ts), never from here.
import type { SourceStatement } from '../source/index.js';
import { topLevelCommas, skipTrivia } from '../source/lexer.js';
import { lockFromNumber } from './locks.js';
import { makeRel, relFromNames, relFromRangeVar, strings, typeFromNode, type Rel } from './names.js';
import type { Action, ActionFacts, AnalysisView, ColumnSpec, ConstraintSpec, DomainChange, RelationRole, Span, TxControl } from './types.js';
import { defaultVolatility } from './volatility.js';
import { typeChangeCost } from './type-change.js';
import { whereSelectivity } from './predicates.js';
import { applyLockFact } from './lock-table.js';
import { defaultConstraintName, defaultIndexName } from './default-names.js';

export interface Classified {
  actions: Action[];
  noTransaction: boolean;
  unanalyzed?: string;
}

export function classify(s: SourceStatement, view: AnalysisView): Classified {
  const c = new Classifier(s, view);
  c.run();
  let noTransaction = c.noTransaction;
  let unanalyzed = c.unanalyzed;
  for (const a of c.actions) {
    const row = applyLockFact(a, view.settings.pgVersion);
    if (row?.noTransaction) noTransaction = true;
    // No row: pgsafe does not know the locks, so it says so rather than pass the statement as safe.
    if (!row) unanalyzed ??= `pgsafe has no lock fact for ${a.type}${a.constraint ? ` (${a.constraint.kind})` : ''}`;
  }
  return { actions: c.actions, noTransaction, unanalyzed };
}

const TX: Record<string, TxControl> = {
  TRANS_STMT_BEGIN: 'begin', TRANS_STMT_START: 'begin', TRANS_STMT_COMMIT: 'commit', TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint', TRANS_STMT_RELEASE: 'release', TRANS_STMT_ROLLBACK_TO: 'rollback-to',
  TRANS_STMT_PREPARE: 'prepare', TRANS_STMT_COMMIT_PREPARED: 'commit-prepared', TRANS_STMT_ROLLBACK_PREPARED: 'rollback-prepared',
};

const RENAMED_OBJECT: Record<string, string> = {
  OBJECT_INDEX: 'index', OBJECT_TABCONSTRAINT: 'constraint', OBJECT_TRIGGER: 'trigger', OBJECT_POLICY: 'policy', OBJECT_RULE: 'rule',
};

class Classifier {
  actions: Action[] = [];
  noTransaction = false;
  unanalyzed?: string;
  private readonly n: any;

  constructor(private readonly s: SourceStatement, private readonly view: AnalysisView) {
    this.n = s.node;
  }

  private whole(): Span {
    return { start: this.s.start, end: this.s.end };
  }

  /** From a node location to the end of the statement (a node knows only where it starts). */
  private at(loc: number | undefined, end?: number): Span {
    const start = typeof loc === 'number' && loc >= 0 ? this.s.toOffset(loc) : this.s.start;
    return { start: Math.max(this.s.start, Math.min(start, this.s.end)), end: end ?? this.s.end };
  }

  /** Records an action's facts; `classify` then gives it its locks and cost from the lock table. */
  private add(a: ActionFacts): Action {
    const action = { span: this.whole(), cost: 'none', ...a } as Action;
    this.actions.push(action);
    return action;
  }

  run(): void {
    const k = this.s.kind;
    const n = this.n;
    switch (k) {
      case 'SyntaxError':
        return;
      case 'CreateStmt': return this.createTable();
      case 'IndexStmt': return this.createIndex();
      case 'AlterTableStmt': return this.alterTable();
      case 'DropStmt': return this.drop();
      case 'RenameStmt': return this.rename();
      case 'TruncateStmt':
        for (const r of n.relations ?? []) this.add({ type: 'truncate', relation: relFromRangeVar(r.RangeVar), cascade: n.behavior === 'DROP_CASCADE' });
        return;
      case 'ReindexStmt': return this.reindex();
      case 'VacuumStmt': return this.vacuum();
      case 'ClusterStmt':
        this.noTransaction = !n.relation;
        this.add({ type: 'cluster', relation: relFromRangeVar(n.relation), index: n.indexname });
        return;
      case 'RefreshMatViewStmt':
        this.add({ type: 'refresh-matview', relation: relFromRangeVar(n.relation), concurrently: !!n.concurrent, withData: !n.skipData });
        return;
      case 'LockStmt':
        for (const r of n.relations ?? []) this.add({ type: 'lock-table', relation: relFromRangeVar(r.RangeVar), mode: lockFromNumber(n.mode) });
        return;
      case 'InsertStmt':
      case 'UpdateStmt':
      case 'DeleteStmt':
        this.modifies(k, n);
        // Every table the statement reads (FROM, USING, subqueries, CTEs): ACCESS SHARE; a writable CTE writes.
        this.readsFrom([n.selectStmt, n.fromClause, n.usingClause, n.whereClause, n.targetList, n.withClause, n.returningList]);
        return;
      case 'MergeStmt':
        this.add({ type: 'update', relation: relFromRangeVar(n.relation), hasWhere: false, filter: 'broad' });
        return;
      case 'SelectStmt':
        this.add({ type: 'select', forUpdate: false, fromQuery: readsRows(n) });
        this.readsFrom(n);
        return;
      case 'CopyStmt':
        if (n.is_from) this.add({ type: 'insert', relation: relFromRangeVar(n.relation) });
        else this.add({ type: 'select', relation: relFromRangeVar(n.relation), role: 'read', forUpdate: false });
        return;
      case 'CreateTableAsStmt': {
        const matview = n.objtype === 'OBJECT_MATVIEW';
        this.add({ type: matview ? 'create-matview' : 'create-table-as', relation: relFromRangeVar(n.into?.rel), ifNotExists: !!n.if_not_exists, withData: !n.into?.skipData });
        // WITH DATA runs the query: the tables it reads are scanned.
        this.readsFrom(n.query, !n.into?.skipData);
        return;
      }
      case 'ViewStmt':
        this.add({ type: 'create-view', relation: relFromRangeVar(n.view), replace: !!n.replace });
        this.readsFrom(n.query);
        return;
      case 'CreateTrigStmt':
        this.add({ type: 'create-trigger', relation: relFromRangeVar(n.relation) });
        return;
      case 'CreatePolicyStmt':
      case 'AlterPolicyStmt':
        this.add({ type: 'create-policy', relation: relFromRangeVar(n.table) });
        return;
      case 'RuleStmt':
        this.add({ type: 'create-rule', relation: relFromRangeVar(n.relation) });
        return;
      case 'CommentStmt': return this.comment();
      case 'CreateStatsStmt':
        for (const r of n.relations ?? []) this.add({ type: 'catalog', relation: relFromRangeVar(r.RangeVar), object: 'statistics' });
        return;
      case 'AlterEnumStmt':
        if (n.oldVal) this.add({ type: 'rename-object', relation: relFromNames(n.typeName), objectType: 'enum-value', newName: n.newVal });
        else this.add({ type: 'alter-enum-add-value', relation: relFromNames(n.typeName), value: n.newVal, ifNotExists: !!n.skipIfNewValExists, neighbor: n.newValNeighbor, after: !!n.newValIsAfter });
        return;
      case 'CreateEnumStmt':
        this.add({ type: 'create-type', relation: relFromNames(n.typeName), enumValues: strings(n.vals) });
        return;
      case 'CompositeTypeStmt':
      case 'CreateRangeStmt':
        this.add({ type: 'create-type', relation: relFromNames(n.typeName) ?? relFromRangeVar(n.typevar) });
        return;
      case 'CreateDomainStmt':
        this.add({ type: 'create-domain', relation: relFromNames(n.domainname), constraints: domainConstraints(n, this.s) });
        return;
      case 'AlterDomainStmt':
        // ADD CONSTRAINT checks every column using the domain unless NOT VALID.
        this.add({ type: 'alter-domain', relation: relFromNames(n.typeName), validates: n.subtype === 'C' && !n.def?.Constraint?.skip_validation, change: domainChange(n) });
        return;
      case 'CreateFunctionStmt':
        this.add({ type: 'create-function' });
        return;
      case 'DoStmt':
        this.add({ type: 'do-block' });
        return;
      case 'CreateExtensionStmt':
        this.add({ type: 'create-extension', ifNotExists: !!n.if_not_exists });
        return;
      case 'CreateSchemaStmt':
        this.add({ type: 'create-schema', name: n.schemaname, ifNotExists: !!n.if_not_exists });
        return;
      case 'CreateSeqStmt':
        this.add({ type: 'create-sequence', relation: relFromRangeVar(n.sequence), ifNotExists: !!n.if_not_exists });
        return;
      case 'AlterSeqStmt':
        this.add({ type: 'alter-sequence', relation: relFromRangeVar(n.sequence) });
        return;
      case 'VariableSetStmt':
      case 'VariableShowStmt':
        this.add(this.setFacts());
        return;
      case 'TransactionStmt':
        this.add({ type: 'transaction', tx: TX[n.kind] ?? 'begin' });
        return;
      case 'CreatedbStmt':
        this.add({ type: 'create-database' });
        return;
      case 'DropdbStmt':
        this.add({ type: 'drop-database', name: n.dbname, ifExists: !!n.missing_ok });
        return;
      case 'AlterSystemStmt':
        this.noTransaction = true;
        this.add({ type: 'session' });
        return;
      case 'GrantStmt':
      case 'GrantRoleStmt':
      case 'AlterDefaultPrivilegesStmt':
        // GRANT/REVOKE update catalog rows; they take no lock that blocks the table's readers or writers.
        this.add({ type: 'grant' });
        return;
      case 'CreateRoleStmt':
      case 'AlterRoleStmt':
      case 'DropRoleStmt':
      case 'AlterRoleSetStmt':
      case 'CreateUserMappingStmt':
      case 'AlterUserMappingStmt':
      case 'DropUserMappingStmt':
      case 'CreateForeignServerStmt':
      case 'AlterForeignServerStmt':
      case 'CreateFdwStmt':
      case 'CreatePLangStmt':
      case 'CreateCastStmt':
      case 'CreateOpClassStmt':
      case 'CreateOpFamilyStmt':
      case 'AlterOpFamilyStmt':
      case 'CreateConversionStmt':
      case 'DefineStmt':
      case 'AlterFunctionStmt':
      case 'AlterOwnerStmt':
      case 'AlterObjectSchemaStmt':
      case 'AlterExtensionStmt':
      case 'AlterExtensionContentsStmt':
      case 'CreateEventTrigStmt':
      case 'AlterEventTrigStmt':
      case 'CreatePublicationStmt':
      case 'AlterPublicationStmt':
      case 'CreateSubscriptionStmt':
      case 'AlterSubscriptionStmt':
      case 'DropSubscriptionStmt':
      case 'AlterTSConfigurationStmt':
      case 'AlterTSDictionaryStmt':
      case 'AlterCollationStmt':
      case 'AlterTypeStmt':
      case 'AlterDatabaseStmt':
      case 'AlterDatabaseSetStmt':
      case 'AlterDatabaseRefreshCollStmt':
      case 'ReassignOwnedStmt':
      case 'DropOwnedStmt':
      case 'SecLabelStmt':
      case 'CreateTableSpaceStmt':
      case 'DropTableSpaceStmt':
      case 'AlterTableSpaceOptionsStmt':
      case 'CreateAmStmt':
      case 'CreateTransformStmt':
      case 'ImportForeignSchemaStmt':
      case 'CreateForeignTableStmt':
        this.noTransaction = k === 'CreateTableSpaceStmt' || k === 'DropTableSpaceStmt';
        this.add({ type: 'catalog' });
        return;
      case 'AlterObjectDependsStmt':
      case 'AlterOperatorStmt':
      case 'AlterStatsStmt':
        this.add({ type: 'catalog' });
        return;
      case 'CallStmt':
      case 'ExplainStmt':
      case 'PrepareStmt':
      case 'ExecuteStmt':
      case 'DeallocateStmt':
      case 'NotifyStmt':
      case 'ListenStmt':
      case 'UnlistenStmt':
      case 'DiscardStmt':
      case 'CheckPointStmt':
      case 'LoadStmt':
      case 'ConstraintsSetStmt':
      case 'DeclareCursorStmt':
      case 'FetchStmt':
      case 'ClosePortalStmt':
        if (k === 'CallStmt') this.unanalyzed = 'CALL runs a procedure whose body pgsafe does not see';
        this.add({ type: 'session' });
        return;
      default:
        this.unanalyzed = `pgsafe has no lock model for ${k.replace(/Stmt$/, '')} statements`;
    }
  }

  private setFacts(): ActionFacts {
    const n = this.n;
    const arg = n.args?.[0]?.A_Const;
    const value = arg?.sval?.sval ?? arg?.ival?.ival ?? (arg?.ival ? 0 : undefined) ?? arg?.fval?.fval;
    const reset = n.kind === 'VAR_RESET_ALL' ? 'all' : n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT' ? 'one' : 'none';
    return { type: 'set', name: String(n.name ?? '').toLowerCase(), local: !!n.is_local, reset, value: n.kind === 'VAR_SET_VALUE' ? value : undefined };
  }

  /** Where a WHERE condition starts in the file: its expression's first location. */
  private whereStart(where: any): number | undefined {
    const loc = where ? minLocation(where) : undefined;
    return loc === undefined ? undefined : this.s.toOffset(loc);
  }

  /**
   * INSERT, UPDATE or DELETE of one table (the statement's own, or a writable CTE's): ROW EXCLUSIVE on it, and the
   * foreign keys it checks take ROW SHARE on the referenced tables (INSERT: every FK; UPDATE: those on a SET column).
   */
  private modifies(kind: string, n: any, viaCte = false): void {
    const rel = relFromRangeVar(n.relation);
    const t = this.view.schema.table(rel);
    const set = new Set<string>((n.targetList ?? []).map((x: any) => x.ResTarget?.name).filter((x: unknown): x is string => typeof x === 'string'));
    const checked: { role: RelationRole; rel: Rel }[] = [];
    for (const c of t?.constraints.values() ?? []) {
      if (c.kind !== 'foreign' || !c.references || kind === 'DeleteStmt') continue;
      if (kind === 'UpdateStmt' && !c.columns.some((col) => set.has(col))) continue;
      const ref = this.view.schema.table(c.references)?.rel ?? c.references;
      if (ref.key !== t?.rel.key) checked.push({ role: 'referenced', rel: ref });
    }
    const also = { ...this.related(checked), ...(viaCte ? { viaCte } : {}) };
    const where = { hasWhere: !!n.whereClause, filter: whereSelectivity(n.whereClause), whereStart: this.whereStart(n.whereClause) };
    if (kind === 'InsertStmt') this.add({ type: 'insert', relation: rel, fromQuery: readsRows(n.selectStmt?.SelectStmt), ...also });
    else if (kind === 'UpdateStmt') this.add({ type: 'update', relation: rel, ...where, from: (n.fromClause?.length ?? 0) > 0, ...also });
    else this.add({ type: 'delete', relation: rel, ...where, ...also });
  }

  /**
   * Relations a query reads: ACCESS SHARE on each (SELECT … FOR UPDATE takes ROW SHARE). A CTE's name is not a
   * relation; a data-modifying CTE (`WITH u AS (UPDATE …)`) modifies its table.
   */
  private readsFrom(q: any, fills = false): void {
    const seen = new Set<string>();
    const ctes = new Set<string>();
    const collect = (x: any, depth: number) => {
      if (!x || typeof x !== 'object' || depth > 60) return;
      if (Array.isArray(x)) { for (const y of x) collect(y, depth + 1); return; }
      if (x.CommonTableExpr?.ctename) ctes.add(x.CommonTableExpr.ctename);
      for (const v of Object.values(x)) if (v && typeof v === 'object') collect(v, depth + 1);
    };
    collect(q, 0);
    const visit = (x: any, depth: number, forUpdate: boolean) => {
      if (!x || typeof x !== 'object' || depth > 60) return;
      if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1, forUpdate); return; }
      if (x.RangeVar) {
        const rel = relFromRangeVar(x.RangeVar);
        if (rel && !(!rel.schema && ctes.has(rel.name)) && !seen.has(rel.key)) {
          seen.add(rel.key);
          this.add({ type: 'select', relation: rel, role: 'read', forUpdate, ...(fills ? { fills } : {}) });
        }
        return;
      }
      const body = x.CommonTableExpr?.ctequery;
      const write = body && (['InsertStmt', 'UpdateStmt', 'DeleteStmt'] as const).find((k) => body[k]);
      if (write) {
        const w = body[write];
        this.modifies(write, w, true);
        visit([w.selectStmt, w.fromClause, w.usingClause, w.whereClause, w.targetList, w.withClause, w.returningList], depth + 1, false);
        return;
      }
      const locking = Array.isArray(x.SelectStmt?.lockingClause) && x.SelectStmt.lockingClause.length > 0;
      for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1, forUpdate || locking);
    };
    visit(q, 0, Array.isArray(q?.SelectStmt?.lockingClause ?? q?.lockingClause));
  }

  /** `related`, only when there are some (actions without related relations keep no empty list). */
  private related(list: { role: RelationRole; rel: Rel }[]): { related?: { role: RelationRole; rel: Rel }[] } {
    const seen = new Set<string>();
    const out = list.filter((x) => !seen.has(`${x.role} ${x.rel.key}`) && !!seen.add(`${x.role} ${x.rel.key}`));
    return out.length ? { related: out } : {};
  }

  /**
   * What goes with a dropped table, as far as the schema model knows: its foreign keys (the referenced tables are
   * locked), its partitions, and with CASCADE the foreign keys of other tables that reference it.
   */
  private droppedWith(rel: Rel | undefined, cascade: boolean): { role: RelationRole; rel: Rel }[] {
    const schema = this.view.schema;
    const t = schema.table(rel);
    if (!t) return [];
    const out: { role: RelationRole; rel: Rel }[] = [];
    for (const c of t.constraints.values()) {
      const ref = c.kind === 'foreign' ? schema.table(c.references)?.rel ?? c.references : undefined;
      if (ref && ref.key !== t.rel.key) out.push({ role: 'referenced', rel: ref });
    }
    for (const p of schema.partitionsOf(t.rel)) out.push({ role: 'partition', rel: p.rel });
    if (cascade) for (const fk of schema.foreignKeysTo(t.rel)) out.push({ role: 'referencing', rel: fk.table.rel });
    return out;
  }

  /**
   * The foreign keys a column is part of: its own (the referenced table) and, when `incoming`, those of other
   * tables that reference it (the referencing table). Dropping or retyping the column drops or rebuilds them.
   */
  private foreignKeysOn(rel: Rel | undefined, column: string, incoming: boolean): { role: RelationRole; rel: Rel }[] {
    const schema = this.view.schema;
    const t = schema.table(rel);
    if (!t) return [];
    const out: { role: RelationRole; rel: Rel }[] = [];
    for (const c of t.constraints.values()) {
      const ref = c.kind === 'foreign' && c.columns.includes(column) ? schema.table(c.references)?.rel ?? c.references : undefined;
      if (ref && ref.key !== t.rel.key) out.push({ role: 'referenced', rel: ref });
    }
    if (incoming) for (const fk of schema.foreignKeysTo(t.rel)) if (schema.referencedColumns(fk.constraint).includes(column)) out.push({ role: 'referencing', rel: fk.table.rel });
    return out;
  }

  private createTable(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    const related: { role: RelationRole; rel: Rel }[] = [];
    for (const e of n.tableElts ?? []) {
      const cons = e.Constraint ? [e.Constraint] : (e.ColumnDef?.constraints ?? []).map((c: any) => c.Constraint);
      for (const c of cons) {
        if (c?.contype === 'CONSTR_FOREIGN') {
          const ref = relFromRangeVar(c.pktable);
          if (ref && ref.key !== rel?.key) related.push({ role: 'referenced', rel: ref });
        }
      }
    }
    const parents = (n.inhRelations ?? []).map((p: any) => relFromRangeVar(p.RangeVar)).filter((r: Rel | undefined): r is Rel => !!r);
    for (const p of parents) related.push({ role: 'parent', rel: p });
    const s = this.s;
    const columns: ColumnSpec[] = [];
    const constraints: ConstraintSpec[] = [];
    for (const e of n.tableElts ?? []) {
      if (e.ColumnDef) {
        const c = columnSpec(e.ColumnDef, s, this.whole());
        columns.push(c);
        // An inline CHECK is the column's (Postgres names it `<table>_<column>_check`).
        for (const cw of e.ColumnDef.constraints ?? []) {
          if (cw.Constraint?.contype === 'CONSTR_CHECK') constraints.push({ ...constraintSpec(cw.Constraint, s, { start: s.start, end: s.start }), columns: [c.name] });
        }
      } else if (e.Constraint) constraints.push(constraintSpec(e.Constraint, s, { start: s.start, end: s.start }));
    }
    for (const c of constraints) c.effectiveName = c.name ?? defaultConstraintName(rel?.name ?? 'table', c.kind, c.columns);
    const strategy = ({ PARTITION_STRATEGY_RANGE: 'range', PARTITION_STRATEGY_LIST: 'list', PARTITION_STRATEGY_HASH: 'hash' } as const)[n.partspec?.strategy as string] ?? 'range';
    this.add({
      type: 'create-table', relation: rel, ifNotExists: !!n.if_not_exists, partitioned: !!n.partspec, temporary: n.relation?.relpersistence === 't',
      partitionOf: n.partbound ? parents[0] : undefined, reason: n.partspec ? 'partitioned' : undefined,
      columns, constraints,
      ...(n.partspec ? { partitionKey: { strategy, columns: (n.partspec.partParams ?? []).map((p: any) => p.PartitionElem?.name).filter((x: any): x is string => typeof x === 'string') } } : {}),
      ...(related.length ? { related } : {}),
    });
  }

  private createIndex(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    this.noTransaction = !!n.concurrent;
    const params: string[] = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name ?? '(expr)');
    const named = params.filter((c) => c !== '(expr)');
    const name: string = n.idxname ?? defaultIndexName(rel?.name ?? 'table', params);
    const exists = !!n.if_not_exists && !!n.idxname && !!this.view.schema.index(rel?.schema ? makeRel(name, rel.schema) : makeRel(name));
    this.add({
      type: 'create-index', relation: rel, concurrently: !!n.concurrent, ifNotExists: !!n.if_not_exists,
      name, ...(exists ? { exists } : {}),
      explicitName: !!n.idxname, columns: params, unique: !!n.unique, only: n.relation?.inh === false, column: named[0],
      refs: columnRefs([n.whereClause, (n.indexParams ?? []).map((p: any) => p.IndexElem?.expr)]),
    });
  }

  private drop(): void {
    const n = this.n;
    const type: string = n.removeType;
    const objects: any[] = n.objects ?? [];
    const common = { ifExists: !!n.missing_ok, cascade: n.behavior === 'DROP_CASCADE', count: objects.length };
    for (const o of objects) {
      const rel = relFromNames(o);
      switch (type) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE':
          this.add({ type: 'drop-table', relation: rel, foreign: type === 'OBJECT_FOREIGN_TABLE', ...common, ...this.related(this.droppedWith(rel, common.cascade)) });
          break;
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          this.add({ type: 'drop-view', relation: rel, materialized: type === 'OBJECT_MATVIEW', ...common });
          break;
        case 'OBJECT_INDEX': {
          this.noTransaction ||= !!n.concurrent;
          // The lock is on the index's table.
          const idx = this.view.schema.index(rel);
          this.add({ type: 'drop-index', relation: idx?.table ?? rel, index: rel, concurrently: !!n.concurrent, column: rel?.name, ...common });
          break;
        }
        case 'OBJECT_TRIGGER': {
          // DROP TRIGGER name ON table: objects are [table…, trigger].
          const names = strings(o?.List?.items);
          const tableRel = names.length > 1 ? relFromNames({ items: o.List.items.slice(0, -1) }) : undefined;
          this.add({ type: 'drop-trigger', relation: tableRel, name: names.at(-1), ifExists: common.ifExists, cascade: common.cascade });
          break;
        }
        case 'OBJECT_POLICY':
        case 'OBJECT_RULE': {
          const tableRel = relFromNames({ items: (o?.List?.items ?? []).slice(0, -1) });
          this.add({ type: 'drop-object', relation: tableRel, objectType: type.replace(/^OBJECT_/, '').toLowerCase(), ...common });
          break;
        }
        case 'OBJECT_SEQUENCE':
          this.add({ type: 'drop-object', relation: rel, objectType: 'sequence', ...common });
          break;
        default:
          this.add({ type: 'drop-object', objectType: type.replace(/^OBJECT_/, '').toLowerCase(), reason: type, object: relFromNames(o?.TypeName?.names ?? o), ...droppedName(o), ...common });
      }
    }
  }

  private rename(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    switch (n.renameType) {
      case 'OBJECT_COLUMN':
        this.add({ type: 'rename-column', relation: rel, column: n.subname, newName: n.newname });
        return;
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_FOREIGN_TABLE':
        this.add({ type: 'rename-table', relation: rel, newName: n.newname });
        return;
      case 'OBJECT_INDEX': {
        // The lock is on the index (on its table too before PG 12, by the row).
        const idx = this.view.schema.index(rel);
        this.add({ type: 'rename-object', relation: idx?.table ?? rel, objectType: 'index', object: rel, newName: n.newname, ...this.related([{ role: 'index', rel: indexRel(rel!, idx?.table) }]) });
        return;
      }
      case 'OBJECT_TABCONSTRAINT':
      case 'OBJECT_TRIGGER':
      case 'OBJECT_POLICY':
      case 'OBJECT_RULE':
        this.add({ type: 'rename-object', relation: rel, objectType: RENAMED_OBJECT[n.renameType], newName: n.newname, column: n.subname });
        return;
      default:
        this.add({ type: 'rename-object', relation: rel ?? relFromNames(n.object), objectType: String(n.renameType).replace(/^OBJECT_/, '').toLowerCase(), newName: n.newname, object: rel ?? relFromNames(n.object) });
    }
  }

  private reindex(): void {
    const n = this.n;
    const concurrently = (n.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently') || !!n.concurrent;
    this.noTransaction = concurrently || n.kind === 'REINDEX_OBJECT_SCHEMA' || n.kind === 'REINDEX_OBJECT_DATABASE' || n.kind === 'REINDEX_OBJECT_SYSTEM';
    let rel = relFromRangeVar(n.relation);
    const target = ({ REINDEX_OBJECT_INDEX: 'index', REINDEX_OBJECT_SCHEMA: 'schema', REINDEX_OBJECT_DATABASE: 'database', REINDEX_OBJECT_SYSTEM: 'system' } as const)[n.kind as string] ?? 'table';
    // Each index rebuilt is locked itself: REINDEX INDEX names one, REINDEX TABLE rebuilds every index of the table.
    const indexes: Rel[] = [];
    if (target === 'index' && rel) {
      const table = this.view.schema.tableOfIndex(rel);
      indexes.push(indexRel(rel, table));
      rel = table ?? rel;
    } else if (target === 'table' && rel) {
      const t = this.view.schema.table(rel)?.rel ?? rel;
      for (const name of this.view.schema.indexNamesOn(t)) indexes.push(makeRel(name, t.schema));
    }
    this.add({
      type: 'reindex', relation: rel, concurrently, target,
      ...(n.kind === 'REINDEX_OBJECT_INDEX' ? { index: relFromRangeVar(n.relation) } : {}), ...(typeof n.name === 'string' && n.name ? { name: n.name } : {}),
      ...this.related(indexes.map((r) => ({ role: 'index' as const, rel: r }))),
    });
  }

  private vacuum(): void {
    const n = this.n;
    const opts = (n.options ?? []).map((o: any) => o.DefElem?.defname);
    const full = opts.includes('full');
    if (n.is_vacuumcmd) this.noTransaction = true;
    const rels = (n.rels ?? []).map((r: any) => relFromRangeVar(r.VacuumRelation?.relation));
    const type = !n.is_vacuumcmd ? 'analyze' : full ? 'vacuum-full' : 'vacuum';
    if (rels.length === 0) this.add({ type, reason: 'every table in the database' });
    for (const rel of rels) this.add({ type, relation: rel });
  }

  private comment(): void {
    const n = this.n;
    const objtype: string = n.objtype;
    if (objtype === 'OBJECT_TABLE' || objtype === 'OBJECT_COLUMN' || objtype === 'OBJECT_VIEW' || objtype === 'OBJECT_MATVIEW') {
      const items = n.object?.List?.items ?? [];
      const tableItems = objtype === 'OBJECT_COLUMN' ? items.slice(0, -1) : items;
      this.add({ type: 'comment', relation: relFromNames({ items: tableItems }) });
      return;
    }
    this.add({ type: 'comment' });
  }

  private alterTable(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    const cmds: any[] = (n.cmds ?? []).map((c: any) => c.AlterTableCmd);
    const spans = this.cmdSpans(cmds.length);
    if (n.objtype === 'OBJECT_INDEX') {
      // The lock is on the index itself; `relation` is its table, for messages.
      const idx = this.view.schema.index(rel);
      const index = rel ? [{ role: 'index' as const, rel: indexRel(rel, idx?.table) }] : [];
      cmds.forEach((cmd, i) => this.add({ type: 'alter-table', relation: idx?.table ?? rel, onIndex: true, subcommand: subcommand(cmd), span: spans[i], ...this.related(index) }));
      return;
    }
    if (n.objtype === 'OBJECT_SEQUENCE' || n.objtype === 'OBJECT_TYPE') {
      this.add({ type: 'catalog', relation: rel });
      return;
    }
    this.addsDefault = cmds.some((cmd) => (cmd?.subtype === 'AT_AddColumn' || cmd?.subtype === 'AT_AddColumnToView') && columnHasDefault(cmd.def?.ColumnDef));
    cmds.forEach((cmd, i) => this.alterCmd(rel, cmd, spans[i]));
  }

  /** Some ADD COLUMN of this ALTER TABLE has a default: Postgres then validates every new inline foreign key. */
  private addsDefault = false;

  /** Each ALTER TABLE subcommand's text, split at top-level commas. */
  private cmdSpans(count: number): Span[] {
    const text = this.s.text;
    const commas = topLevelCommas(text, 0, text.length);
    if (commas.length !== count - 1) return Array.from({ length: count }, () => this.whole());
    const bounds = [0, ...commas.map((c) => c + 1), text.length + 1];
    const at = this.s.start;
    return Array.from({ length: count }, (_, i) => ({
      start: at + (i === 0 ? 0 : skipTrivia(text, bounds[i], text.length)),
      end: at + (i === count - 1 ? text.length : trimRight(text, bounds[i + 1] - 1)),
    }));
  }

  private alterCmd(rel: Rel | undefined, cmd: any, span: Span): void {
    const t = this.view.schema.table(rel);
    const base = { relation: rel, span, ifExists: !!cmd.missing_ok, cascade: cmd.behavior === 'DROP_CASCADE' };
    const sub = subcommand(cmd);
    switch (sub) {
      case 'AddColumn':
      case 'AddColumnToView': {
        const col = columnSpec(cmd.def?.ColumnDef, this.s, span);
        this.add({ ...base, type: 'add-column', column: col.name, columnDef: col, ifNotExists: !!cmd.missing_ok, ifExists: undefined, ...(col.references ? { related: [{ role: 'referenced', rel: col.references }], checksReferences: this.addsDefault } : {}) });
        return;
      }
      case 'DropColumn':
        this.add({ ...base, type: 'drop-column', column: cmd.name, ...this.related(this.foreignKeysOn(rel, cmd.name, base.cascade)) });
        return;
      case 'AlterColumnType': {
        const def = cmd.def?.ColumnDef;
        const newType = typeFromNode(def?.typeName);
        const oldType = t?.columns.get(cmd.name)?.type;
        // `USING col` (or `col::newtype`) is the plain cast: the same as no USING.
        const using = !!def?.raw_default && !isPlainCast(def.raw_default, cmd.name);
        const { cost, reason } = typeChangeCost(oldType, newType, using, this.view.isNew(rel), { pgVersion: this.view.settings.pgVersion, timeZoneUtc: this.view.timeZoneUtc?.() });
        // Every foreign key on the column, from either side, is dropped and re-created.
        this.add({ ...base, type: 'alter-column-type', column: cmd.name, oldType, newType, using: !!def?.raw_default, ...typeWritten(def?.typeName, this.s), change: { rewrites: cost === 'rewrite', reason }, ...this.related(this.foreignKeysOn(rel, cmd.name, true)) });
        return;
      }
      case 'SetNotNull':
        this.add({ ...base, type: 'set-not-null', column: cmd.name, provenByCheck: !!rel && this.view.schema.hasValidatedNotNullCheck(rel, cmd.name) });
        return;
      case 'DropNotNull':
        this.add({ ...base, type: 'drop-not-null', column: cmd.name });
        return;
      case 'ColumnDefault':
        this.add({ ...base, type: cmd.def ? 'set-default' : 'drop-default', column: cmd.name });
        return;
      case 'AddConstraint':
      case 'AddIndexConstraint': {
        const c = cmd.def?.Constraint;
        const cspan = c?.location !== undefined ? this.at(c.location, span.end) : span;
        const spec = constraintSpec(c, this.s, cspan);
        spec.effectiveName = spec.name ?? defaultConstraintName(rel?.name ?? 'table', spec.kind, spec.columns);
        this.add({
          ...base, type: 'add-constraint', span: cspan, constraint: spec,
          ...(spec.kind === 'notnull' ? { column: spec.columns[0] } : {}),
          ...(spec.kind === 'foreign' && spec.references ? { related: [{ role: 'referenced', rel: spec.references }] } : {}),
        });
        return;
      }
      case 'ValidateConstraint': {
        const con = t?.constraints.get(cmd.name);
        this.add({
          ...base, type: 'validate-constraint',
          constraint: con ? { name: con.name, effectiveName: con.name, kind: con.kind, notValid: false, columns: con.columns, references: con.references, sql: '' } : { name: cmd.name, effectiveName: cmd.name, kind: 'other', notValid: false, columns: [], sql: '' },
          ...(con?.kind === 'foreign' && con.references ? { related: [{ role: 'referenced', rel: con.references }] } : {}),
        });
        return;
      }
      case 'DropConstraint': {
        const con = t?.constraints.get(cmd.name);
        this.add({
          ...base, type: 'drop-constraint',
          constraint: { name: cmd.name, effectiveName: cmd.name, kind: con?.kind ?? 'other', notValid: false, columns: con?.columns ?? [], references: con?.references, sql: '' },
          ...(con?.kind === 'foreign' && con.references ? { related: [{ role: 'referenced', rel: con.references }] } : {}),
        });
        return;
      }
      case 'AttachPartition': {
        const part = relFromRangeVar(cmd.def?.PartitionCmd?.name);
        this.add({ ...base, type: 'attach-partition', partition: part, column: part?.name, ...(part ? { related: [{ role: 'partition', rel: part }] } : {}) });
        // The partition's own action: a validated CHECK that implies the bound lets Postgres skip the scan.
        if (part) this.add({ type: 'attach-partition', relation: part, role: 'partition', span, partition: part, proven: !!rel && this.view.schema.checkProvesPartitionBound(rel, part) });
        return;
      }
      case 'DetachPartition': {
        const part = relFromRangeVar(cmd.def?.PartitionCmd?.name);
        const concurrently = !!cmd.def?.PartitionCmd?.concurrent;
        this.noTransaction ||= concurrently;
        this.add({ ...base, type: 'detach-partition', concurrently, partition: part, finalize: false, column: part?.name, ...(part ? { related: [{ role: 'partition', rel: part }] } : {}) });
        return;
      }
      case 'DetachPartitionFinalize':
        this.add({ ...base, type: 'detach-partition', concurrently: true, finalize: true });
        return;
      case 'SetLogged':
      case 'SetUnLogged':
        this.add({ ...base, type: sub === 'SetLogged' ? 'set-logged' : 'set-unlogged' });
        return;
      case 'SetTableSpace':
        this.add({ ...base, type: 'set-tablespace' });
        return;
      case 'SetRelOptions':
      case 'ResetRelOptions': {
        const defs: any[] = Array.isArray(cmd.def) ? cmd.def : (cmd.def?.List?.items ?? []);
        this.add({ ...base, type: 'alter-table', subcommand: sub, onIndex: false, options: defs.map((d: any) => String(d.DefElem?.defname ?? '')) });
        return;
      }
      case 'SetStatistics': case 'ClusterOn': case 'DropCluster': case 'SetOptions': case 'ResetOptions':
      case 'EnableTrig': case 'DisableTrig': case 'EnableAlwaysTrig': case 'EnableReplicaTrig': case 'EnableTrigAll':
      case 'DisableTrigAll': case 'EnableTrigUser': case 'DisableTrigUser': case 'AlterConstraint':
        this.add({ ...base, type: 'alter-table', subcommand: sub, onIndex: false });
        return;
      case 'AddIdentity': case 'SetIdentity': case 'DropIdentity': case 'SetExpression': case 'DropExpression':
      case 'SetStorage': case 'SetCompression': case 'ChangeOwner': case 'EnableRowSecurity': case 'DisableRowSecurity':
      case 'ForceRowSecurity': case 'NoForceRowSecurity': case 'ReplicaIdentity': case 'AddInherit': case 'DropInherit':
      case 'AddOf': case 'DropOf': case 'EnableRule': case 'DisableRule': case 'EnableAlwaysRule': case 'EnableReplicaRule':
      case 'GenericOptions': case 'AlterColumnGenericOptions': case 'DropOids': case 'SetAccessMethod':
        this.add({ ...base, type: 'alter-table', subcommand: sub, onIndex: false, column: cmd.name });
        return;
      default:
        this.unanalyzed = `pgsafe has no lock model for ALTER TABLE ${sub}`;
        this.add({ ...base, type: 'alter-table', subcommand: sub, onIndex: false });
    }
  }
}

/** A column definition with a default as Postgres's parser sees it: DEFAULT, a serial type, or GENERATED … STORED. */
function columnHasDefault(def: any): boolean {
  const type = typeFromNode(def?.typeName)?.name;
  if (type && ['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8'].includes(type)) return true;
  return (def?.constraints ?? []).some((c: any) => c.Constraint?.contype === 'CONSTR_DEFAULT' || c.Constraint?.contype === 'CONSTR_GENERATED');
}

/** `col` or `col::type`: a USING that is just the column's cast. */
function isPlainCast(e: any, column: string): boolean {
  const inner = e?.TypeCast ? e.TypeCast.arg : e;
  const f = strings(inner?.ColumnRef?.fields);
  return f.length >= 1 && f[f.length - 1] === column;
}

/** An index's name as a relation, in its table's schema when the statement does not say. */
function indexRel(index: Rel, table: Rel | undefined): Rel {
  return index.schema || !table?.schema ? index : makeRel(index.name, table.schema);
}

/** Columns an expression names (the last part of each column reference). */
function columnRefs(x: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: any, depth: number) => {
    if (!v || typeof v !== 'object' || depth > 60) return;
    if (Array.isArray(v)) { for (const y of v) visit(y, depth + 1); return; }
    if (v.ColumnRef) {
      const f = strings(v.ColumnRef.fields);
      if (f.length) out.add(f[f.length - 1]);
      return;
    }
    for (const y of Object.values(v)) visit(y, depth + 1);
  };
  visit(x, 0);
  return [...out];
}

/** `AT_AddColumn` → `AddColumn`. */
function subcommand(cmd: any): string {
  return String(cmd?.subtype).replace(/^AT_/, '');
}

function trimRight(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  return e;
}

/** A SELECT with FROM or a set operation (UNION …) reads rows; `SELECT 1` and `VALUES` do not. */
function readsRows(q: any): boolean {
  return (q?.fromClause?.length ?? 0) > 0 || !!q?.larg;
}

const DOMAIN_CHANGE: Record<string, DomainChange> = { N: 'drop-not-null', O: 'set-not-null', C: 'add-constraint', X: 'drop-constraint', V: 'validate-constraint' };

function domainChange(n: any): DomainChange {
  if (n.subtype === 'T') return n.def ? 'set-default' : 'drop-default';
  return DOMAIN_CHANGE[n.subtype] ?? 'other';
}

function domainConstraints(n: any, s: SourceStatement): { kind: 'check' | 'not-null'; start: number }[] {
  return (n.constraints ?? []).map((c: any) => c.Constraint).filter((c: any) => c && (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_NOTNULL'))
    .map((c: any) => ({ kind: c.contype === 'CONSTR_CHECK' ? 'check' : 'not-null', start: typeof c.location === 'number' && c.location >= 0 ? s.toOffset(c.location) : s.start }));
}

/** A dropped object's name as written: a function's name (without arguments), a type's, a schema's; a cast's two types. */
function droppedName(o: any): { names?: string[]; cast?: { from: string[]; to: string[] } } {
  if (o?.ObjectWithArgs) return { names: strings(o.ObjectWithArgs.objname) };
  if (o?.TypeName) return { names: strings(o.TypeName.names) };
  if (o?.String) return { names: [o.String.sval] };
  const items: any[] = o?.List?.items ?? [];
  if (items.length === 2 && items.every((i) => i?.TypeName)) return { cast: { from: strings(items[0].TypeName.names), to: strings(items[1].TypeName.names) } };
  if (items.length) return { names: strings(items) };
  return {};
}

function typeWritten(tn: any, s: SourceStatement): { typeWritten?: { names: string[]; start: number } } {
  if (typeof tn?.location !== 'number' || tn.location < 0) return {};
  return { typeWritten: { names: strings(tn.names), start: s.toOffset(tn.location) } };
}

export function columnSpec(def: any, s: SourceStatement, span: Span): ColumnSpec {
  const type = typeFromNode(def?.typeName);
  const col: ColumnSpec = {
    name: def?.colname ?? '?', type, notNull: false, identity: false,
    serial: !!type && ['serial', 'bigserial', 'smallserial', 'serial4', 'serial8'].includes(type.name),
    primaryKey: false, unique: false, check: false,
    ...(typeof def?.location === 'number' && def.location >= 0 ? { start: s.toOffset(def.location) } : {}),
    ...typeWritten(def?.typeName, s),
  };
  for (const cw of def?.constraints ?? []) {
    const c = cw.Constraint;
    switch (c?.contype) {
      case 'CONSTR_NOTNULL': col.notNull = true; break;
      case 'CONSTR_DEFAULT': {
        const v = defaultVolatility(c.raw_expr);
        // From just past the DEFAULT keyword: the expression's smallest location skips a leading `(`, and so its cast.
        const kw = s.toOffset(c.location);
        const after = /^default\s+/i.exec(s.text.slice(kw - s.start))?.[0].length;
        const start = after !== undefined ? kw + after : s.toOffset(minLocation(c.raw_expr) ?? c.location);
        const end = exprEnd(s, start, span.end);
        col.default = { sql: sliceStmt(s, start, end), volatile: v.volatile, why: v.why, span: { start, end } };
        break;
      }
      case 'CONSTR_IDENTITY': col.identity = true; break;
      case 'CONSTR_GENERATED': col.generated = c.generated_kind === 'v' ? 'virtual' : 'stored'; break;
      case 'CONSTR_FOREIGN': {
        col.references = relFromRangeVar(c.pktable);
        col.referencesConstraint = { name: c.conname, location: c.location };
        const pk = strings(c.pk_attrs);
        if (pk.length) col.referencesColumns = pk;
        break;
      }
      case 'CONSTR_PRIMARY': col.primaryKey = true; col.notNull = true; break;
      case 'CONSTR_UNIQUE': col.unique = true; break;
      case 'CONSTR_CHECK': col.check = !c.skip_validation; break;
    }
  }
  return col;
}

function sliceStmt(s: SourceStatement, start: number, end: number): string {
  return s.text.slice(start - s.start, end - s.start);
}

/** The smallest `location` in an expression tree: where its text begins. */
export function minLocation(e: any): number | undefined {
  let best: number | undefined;
  const visit = (x: any, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 50) return;
    if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
    for (const [k, v] of Object.entries(x)) {
      if (k === 'location' && typeof v === 'number' && v >= 0) best = best === undefined ? v : Math.min(best, v);
      else if (v && typeof v === 'object') visit(v, depth + 1);
    }
  };
  visit(e, 0);
  return best;
}

const CLAUSE_END = /^(not\s+null|null|constraint|check|references|primary|unique|generated|collate|default)\b/i;

/** Where a DEFAULT expression ends: at the next top-level column constraint keyword or comma. */
function exprEnd(s: SourceStatement, start: number, limit: number): number {
  const text = s.text;
  let depth = 0;
  let i = start - s.start;
  const max = limit - s.start;
  let end = i;
  while (i < max) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const q = ch;
      i++;
      while (i < max && !(text[i] === q && text[i + 1] !== q)) i += text[i] === q ? 2 : 1;
      i++;
      end = i;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') { if (depth === 0) break; depth--; }
    else if (ch === ',' && depth === 0) break;
    else if (depth === 0 && /\s/.test(ch) && CLAUSE_END.test(text.slice(i + 1, i + 30).trimStart())) { break; }
    if (!/\s/.test(ch)) end = i + 1;
    i++;
  }
  return s.start + end;
}

export function constraintSpec(c: any, s: SourceStatement, span: Span): ConstraintSpec {
  const kinds: Record<string, ConstraintSpec['kind']> = {
    CONSTR_CHECK: 'check', CONSTR_FOREIGN: 'foreign', CONSTR_UNIQUE: 'unique', CONSTR_PRIMARY: 'primary',
    CONSTR_EXCLUSION: 'exclusion', CONSTR_NOTNULL: 'notnull',
  };
  const kind = kinds[c?.contype] ?? 'other';
  const columns = strings(kind === 'foreign' ? c?.fk_attrs : c?.keys);
  let notNullColumn: string | undefined;
  const e = c?.raw_expr;
  if (kind === 'check' && e?.NullTest?.nulltesttype === 'IS_NOT_NULL') {
    const f = strings(e.NullTest.arg?.ColumnRef?.fields);
    if (f.length === 1) notNullColumn = f[0];
  }
  return {
    name: c?.conname,
    kind,
    notValid: !!c?.skip_validation,
    columns,
    references: kind === 'foreign' ? relFromRangeVar(c.pktable) : undefined,
    referencedColumns: kind === 'foreign' ? strings(c.pk_attrs) : undefined,
    usingIndex: c?.indexname,
    notNullColumn,
    expr: kind === 'check' ? e : undefined,
    sql: sliceStmt(s, span.start, span.end),
    ...(typeof c?.location === 'number' && c.location >= 0 ? { start: s.toOffset(c.location) } : {}),
  };
}

