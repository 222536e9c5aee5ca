// The lock table: for each statement kind, which lock on which relation and
// what the statement costs (catalog-only, scan, index build or rewrite).
// Sources: https://www.postgresql.org/docs/current/explicit-locking.html and
// each command's reference page; rows checked against a real PG 15 in
// ../shared/notes/postgres-facts.md and in test/analysis/lock-table.test.ts.
import type { SourceStatement } from '../source/index.js';
import { topLevelCommas, skipTrivia } from '../source/lexer.js';
import { lockFromNumber, type Cost, type LockMode } from './locks.js';
import { relFromNames, relFromRangeVar, strings, typeFromNode, type Rel } from './names.js';
import type { Action, AnalysisView, ColumnSpec, ConstraintSpec, RelatedLock, Span } from './types.js';
import { defaultVolatility } from './volatility.js';
import { typeChangeCost } from './type-change.js';
import { whereSelectivity } from './predicates.js';

export interface Classified {
  actions: Action[];
  noTransaction: boolean;
  unanalyzed?: string;
}

const AEL: LockMode = 'AccessExclusiveLock';
const SUEL: LockMode = 'ShareUpdateExclusiveLock';

export function classify(s: SourceStatement, view: AnalysisView): Classified {
  const c = new Classifier(s, view);
  c.run();
  return { actions: c.actions, noTransaction: c.noTransaction, unanalyzed: c.unanalyzed };
}

class Classifier {
  actions: Action[] = [];
  noTransaction = false;
  unanalyzed?: string;
  private readonly n: any;

  constructor(private readonly s: SourceStatement, private readonly view: AnalysisView) {
    this.n = s.node;
  }

  private get pg() {
    return this.view.settings.pgVersion;
  }

  private whole(): Span {
    return { start: this.s.start, end: this.s.end };
  }

  /** From a node location to the end of the statement (a node knows only where it starts). */
  private at(loc: number | undefined, end?: number): Span {
    const start = typeof loc === 'number' && loc >= 0 ? this.s.toOffset(loc) : this.s.start;
    return { start: Math.max(this.s.start, Math.min(start, this.s.end)), end: end ?? this.s.end };
  }

  private add(a: Omit<Action, 'span'> & { span?: Span }): Action {
    const action = { span: this.whole(), ...a } as Action;
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
        for (const r of n.relations ?? []) this.add({ type: 'truncate', relation: relFromRangeVar(r.RangeVar), lock: AEL, cost: 'catalog', reason: 'TRUNCATE replaces the table with an empty one' });
        return;
      case 'ReindexStmt': return this.reindex();
      case 'VacuumStmt': return this.vacuum();
      case 'ClusterStmt':
        this.noTransaction = !n.relation;
        this.add({ type: 'cluster', relation: relFromRangeVar(n.relation), lock: AEL, cost: 'rewrite', reason: 'CLUSTER rewrites the table in index order' });
        return;
      case 'RefreshMatViewStmt':
        this.add({
          type: 'refresh-matview', relation: relFromRangeVar(n.relation), concurrently: !!n.concurrent,
          // CONCURRENTLY takes EXCLUSIVE: reads continue, writes to the view are impossible anyway.
          lock: n.concurrent ? 'ExclusiveLock' : AEL, cost: 'rewrite', reason: 'REFRESH recomputes the whole view',
        });
        return;
      case 'LockStmt':
        for (const r of n.relations ?? []) this.add({ type: 'lock-table', relation: relFromRangeVar(r.RangeVar), lock: lockFromNumber(n.mode), cost: 'none' });
        return;
      case 'InsertStmt':
        this.add({ type: 'insert', relation: relFromRangeVar(n.relation), lock: 'RowExclusiveLock', cost: 'none' });
        this.readsFrom(n.selectStmt);
        return;
      case 'UpdateStmt':
        this.add({ type: 'update', relation: relFromRangeVar(n.relation), lock: 'RowExclusiveLock', cost: n.whereClause ? 'none' : 'scan', node: n, filter: whereSelectivity(n.whereClause) });
        return;
      case 'DeleteStmt':
        this.add({ type: 'delete', relation: relFromRangeVar(n.relation), lock: 'RowExclusiveLock', cost: n.whereClause ? 'none' : 'scan', node: n, filter: whereSelectivity(n.whereClause) });
        return;
      case 'MergeStmt':
        this.add({ type: 'update', relation: relFromRangeVar(n.relation), lock: 'RowExclusiveLock', cost: 'scan', node: n, filter: 'broad' });
        return;
      case 'SelectStmt':
        this.add({ type: 'select', cost: 'none' });
        this.readsFrom(n);
        return;
      case 'CopyStmt':
        this.add({ type: n.is_from ? 'insert' : 'select', relation: relFromRangeVar(n.relation), lock: n.is_from ? 'RowExclusiveLock' : 'AccessShareLock', cost: 'none' });
        return;
      case 'CreateTableAsStmt': {
        const into = n.into?.rel;
        const matview = n.objtype === 'OBJECT_MATVIEW';
        this.add({ type: matview ? 'create-matview' : 'create-table-as', relation: relFromRangeVar(into), cost: 'catalog' });
        this.readsFrom(n.query);
        return;
      }
      case 'ViewStmt':
        this.add({ type: 'create-view', relation: relFromRangeVar(n.view), cost: 'catalog', lock: n.replace ? AEL : undefined });
        this.readsFrom(n.query);
        return;
      case 'CreateTrigStmt':
        // CREATE TRIGGER: SHARE ROW EXCLUSIVE (docs: CREATE TRIGGER).
        this.add({ type: 'create-trigger', relation: relFromRangeVar(n.relation), lock: 'ShareRowExclusiveLock', cost: 'catalog' });
        return;
      case 'CreatePolicyStmt':
      case 'AlterPolicyStmt':
        this.add({ type: 'create-policy', relation: relFromRangeVar(n.table), lock: AEL, cost: 'catalog' });
        return;
      case 'RuleStmt':
        this.add({ type: 'create-rule', relation: relFromRangeVar(n.relation), lock: AEL, cost: 'catalog' });
        return;
      case 'CommentStmt': return this.comment();
      case 'CreateStatsStmt':
        for (const r of n.relations ?? []) this.add({ type: 'catalog', relation: relFromRangeVar(r.RangeVar), lock: SUEL, cost: 'catalog' });
        return;
      case 'AlterEnumStmt':
        // PG < 12: ALTER TYPE … ADD VALUE cannot run inside a transaction block.
        if (n.oldVal) this.add({ type: 'rename-object', cost: 'catalog', relation: relFromNames(n.typeName) });
        else {
          this.noTransaction = this.pg < 12;
          this.add({ type: 'alter-enum-add-value', relation: relFromNames(n.typeName), cost: 'catalog', node: n });
        }
        return;
      case 'CreateEnumStmt':
      case 'CompositeTypeStmt':
      case 'CreateRangeStmt':
        this.add({ type: 'create-type', relation: relFromNames(n.typeName) ?? relFromRangeVar(n.typevar), cost: 'catalog', node: n });
        return;
      case 'CreateDomainStmt':
        this.add({ type: 'create-domain', relation: relFromNames(n.domainname), cost: 'catalog', node: n });
        return;
      case 'AlterDomainStmt':
        // ADD CONSTRAINT checks every column using the domain unless NOT VALID.
        this.add({ type: 'alter-domain', relation: relFromNames(n.typeName), cost: n.subtype === 'C' && !n.def?.Constraint?.skip_validation ? 'scan' : 'catalog', node: n });
        return;
      case 'CreateFunctionStmt':
        this.add({ type: 'create-function', cost: 'catalog', node: n });
        return;
      case 'DoStmt':
        this.add({ type: 'do-block', cost: 'catalog', node: n });
        return;
      case 'CreateExtensionStmt':
        this.add({ type: 'create-extension', cost: 'catalog', node: n });
        return;
      case 'CreateSchemaStmt':
        this.add({ type: 'create-schema', cost: 'catalog' });
        return;
      case 'CreateSeqStmt':
        this.add({ type: 'create-sequence', relation: relFromRangeVar(n.sequence), cost: 'catalog' });
        return;
      case 'AlterSeqStmt':
        this.add({ type: 'alter-sequence', relation: relFromRangeVar(n.sequence), cost: 'catalog' });
        return;
      case 'VariableSetStmt':
      case 'VariableShowStmt':
        this.add({ type: 'set', cost: 'none', node: n });
        return;
      case 'TransactionStmt':
        this.add({ type: 'transaction', cost: 'none', node: n });
        return;
      case 'CreatedbStmt':
        this.noTransaction = true;
        this.add({ type: 'create-database', cost: 'catalog' });
        return;
      case 'DropdbStmt':
        this.noTransaction = true;
        this.add({ type: 'drop-database', cost: 'catalog', node: n });
        return;
      case 'AlterSystemStmt':
        this.noTransaction = true;
        this.add({ type: 'session', cost: 'none', node: n });
        return;
      case 'GrantStmt':
      case 'GrantRoleStmt':
      case 'AlterDefaultPrivilegesStmt':
        // GRANT/REVOKE update catalog rows; they take no lock that blocks the table's readers or writers.
        this.add({ type: 'grant', cost: 'catalog' });
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
        this.add({ type: 'catalog', cost: 'catalog', node: n });
        return;
      case 'AlterObjectDependsStmt':
      case 'AlterOperatorStmt':
      case 'AlterStatsStmt':
        this.add({ type: 'catalog', cost: 'catalog', node: n });
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
        this.add({ type: 'session', cost: 'none', node: n });
        return;
      default:
        this.unanalyzed = `pgsafe has no lock model for ${k.replace(/Stmt$/, '')} statements`;
    }
  }

  /** Relations a query reads: ACCESS SHARE on each (SELECT … FOR UPDATE takes ROW SHARE). */
  private readsFrom(q: any): void {
    const seen = new Set<string>();
    const forUpdate = Array.isArray(q?.SelectStmt?.lockingClause ?? q?.lockingClause);
    const visit = (x: any, depth: number) => {
      if (!x || typeof x !== 'object' || depth > 60) return;
      if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
      if (x.RangeVar) {
        const rel = relFromRangeVar(x.RangeVar);
        if (rel && !seen.has(rel.key)) {
          seen.add(rel.key);
          this.add({ type: 'select', relation: rel, role: 'read', lock: forUpdate ? 'RowShareLock' : 'AccessShareLock', cost: 'none' });
        }
        return;
      }
      for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1);
    };
    visit(q, 0);
  }

  private createTable(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    const partitioned = !!n.partspec;
    const a = this.add({ type: 'create-table', relation: rel, cost: 'catalog', node: n });
    if (partitioned) a.reason = 'partitioned';
    // A new table referencing another takes SHARE ROW EXCLUSIVE on the referenced table.
    const also: RelatedLock[] = [];
    for (const e of n.tableElts ?? []) {
      const cons = e.Constraint ? [e.Constraint] : (e.ColumnDef?.constraints ?? []).map((c: any) => c.Constraint);
      for (const c of cons) {
        if (c?.contype === 'CONSTR_FOREIGN') {
          const ref = relFromRangeVar(c.pktable);
          if (ref && ref.key !== rel?.key) also.push({ rel: ref, lock: 'ShareRowExclusiveLock', role: 'referenced' });
        }
      }
    }
    // CREATE TABLE … PARTITION OF takes ACCESS EXCLUSIVE on the parent.
    for (const p of n.inhRelations ?? []) {
      const parent = relFromRangeVar(p.RangeVar);
      if (parent) also.push({ rel: parent, lock: n.partbound ? AEL : 'ShareUpdateExclusiveLock', role: 'parent' });
    }
    if (also.length) a.also = also;
  }

  private createIndex(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    this.noTransaction = !!n.concurrent;
    const columns = (n.indexParams ?? []).map((p: any) => p.IndexElem?.name).filter(Boolean);
    this.add({
      type: 'create-index', relation: rel, concurrently: !!n.concurrent,
      // CREATE INDEX: SHARE (blocks writes); CONCURRENTLY: SHARE UPDATE EXCLUSIVE.
      lock: n.concurrent ? SUEL : 'ShareLock', cost: 'index-build', node: n,
      column: columns[0],
    });
  }

  private drop(): void {
    const n = this.n;
    const type: string = n.removeType;
    const objects: any[] = n.objects ?? [];
    for (const o of objects) {
      const rel = relFromNames(o);
      switch (type) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE': {
          this.add({ type: 'drop-table', relation: rel, lock: AEL, cost: 'catalog', node: n });
          break;
        }
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          this.add({ type: 'drop-view', relation: rel, lock: AEL, cost: 'catalog', node: n });
          break;
        case 'OBJECT_INDEX': {
          this.noTransaction ||= !!n.concurrent;
          const idx = this.view.schema.index(rel);
          // DROP INDEX takes ACCESS EXCLUSIVE on the index's table; CONCURRENTLY, SHARE UPDATE EXCLUSIVE.
          this.add({ type: 'drop-index', relation: idx?.table ?? rel, lock: n.concurrent ? SUEL : AEL, cost: 'catalog', concurrently: !!n.concurrent, node: n, column: rel?.name });
          break;
        }
        case 'OBJECT_TRIGGER': {
          // DROP TRIGGER name ON table: objects are [table…, trigger].
          const names = strings(o?.List?.items);
          const tableRel = names.length > 1 ? relFromNames({ items: o.List.items.slice(0, -1) }) : undefined;
          this.add({ type: 'drop-trigger', relation: tableRel, lock: AEL, cost: 'catalog', node: n });
          break;
        }
        case 'OBJECT_POLICY':
        case 'OBJECT_RULE': {
          const tableRel = relFromNames({ items: (o?.List?.items ?? []).slice(0, -1) });
          this.add({ type: 'drop-object', relation: tableRel, lock: AEL, cost: 'catalog', node: n });
          break;
        }
        case 'OBJECT_SEQUENCE':
          this.add({ type: 'drop-object', relation: rel, lock: AEL, cost: 'catalog', node: n });
          break;
        default:
          this.add({ type: 'drop-object', cost: 'catalog', node: n, reason: type });
      }
    }
  }

  private rename(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    switch (n.renameType) {
      case 'OBJECT_COLUMN':
        this.add({ type: 'rename-column', relation: rel, lock: AEL, cost: 'catalog', column: n.subname, node: n });
        return;
      case 'OBJECT_TABLE':
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
      case 'OBJECT_FOREIGN_TABLE':
        this.add({ type: 'rename-table', relation: rel, lock: AEL, cost: 'catalog', node: n });
        return;
      case 'OBJECT_INDEX': {
        // PG 12+: ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE.
        const idx = this.view.schema.index(rel);
        this.add({ type: 'rename-object', relation: idx?.table ?? rel, lock: this.pg >= 12 ? SUEL : AEL, cost: 'catalog', node: n });
        return;
      }
      case 'OBJECT_TABCONSTRAINT':
      case 'OBJECT_TRIGGER':
      case 'OBJECT_POLICY':
      case 'OBJECT_RULE':
        this.add({ type: 'rename-object', relation: rel, lock: AEL, cost: 'catalog', node: n });
        return;
      default:
        this.add({ type: 'rename-object', relation: rel ?? relFromNames(n.object), cost: 'catalog', node: n });
    }
  }

  private reindex(): void {
    const n = this.n;
    const concurrently = (n.params ?? []).some((p: any) => p.DefElem?.defname === 'concurrently') || !!n.concurrent;
    this.noTransaction = concurrently || n.kind === 'REINDEX_OBJECT_SCHEMA' || n.kind === 'REINDEX_OBJECT_DATABASE' || n.kind === 'REINDEX_OBJECT_SYSTEM';
    let rel = relFromRangeVar(n.relation);
    if (n.kind === 'REINDEX_OBJECT_INDEX') rel = this.view.schema.index(rel)?.table ?? rel;
    // REINDEX: SHARE on the table (writes blocked) and ACCESS EXCLUSIVE on the index (reads using it blocked).
    this.add({ type: 'reindex', relation: rel, concurrently, lock: concurrently ? SUEL : n.kind === 'REINDEX_OBJECT_INDEX' ? AEL : 'ShareLock', cost: 'index-build', node: n });
  }

  private vacuum(): void {
    const n = this.n;
    const opts = (n.options ?? []).map((o: any) => o.DefElem?.defname);
    const full = opts.includes('full');
    if (n.is_vacuumcmd) this.noTransaction = true;
    const rels = (n.rels ?? []).map((r: any) => relFromRangeVar(r.VacuumRelation?.relation));
    const type = !n.is_vacuumcmd ? 'analyze' : full ? 'vacuum-full' : 'vacuum';
    const base = { type, lock: full ? AEL : SUEL, cost: (full ? 'rewrite' : 'scan') as Cost, node: n };
    if (rels.length === 0) this.add({ ...base, reason: 'every table in the database' });
    for (const rel of rels) this.add({ ...base, relation: rel });
  }

  private comment(): void {
    const n = this.n;
    const objtype: string = n.objtype;
    if (objtype === 'OBJECT_TABLE' || objtype === 'OBJECT_COLUMN' || objtype === 'OBJECT_VIEW' || objtype === 'OBJECT_MATVIEW') {
      const items = n.object?.List?.items ?? [];
      const tableItems = objtype === 'OBJECT_COLUMN' ? items.slice(0, -1) : items;
      // COMMENT ON a relation takes SHARE UPDATE EXCLUSIVE on it.
      this.add({ type: 'comment', relation: relFromNames({ items: tableItems }), lock: SUEL, cost: 'catalog' });
      return;
    }
    this.add({ type: 'comment', cost: 'catalog' });
  }

  private alterTable(): void {
    const n = this.n;
    const rel = relFromRangeVar(n.relation);
    const cmds: any[] = (n.cmds ?? []).map((c: any) => c.AlterTableCmd);
    const spans = this.cmdSpans(cmds.length);
    if (n.objtype === 'OBJECT_INDEX') {
      const idx = this.view.schema.index(rel);
      cmds.forEach((cmd, i) => this.add({ type: 'alter-table', relation: idx?.table ?? rel, lock: cmd.subtype === 'AT_SetTableSpace' ? AEL : SUEL, cost: cmd.subtype === 'AT_SetTableSpace' ? 'rewrite' : 'catalog', span: spans[i], node: cmd }));
      return;
    }
    if (n.objtype === 'OBJECT_SEQUENCE' || n.objtype === 'OBJECT_TYPE') {
      this.add({ type: 'catalog', relation: rel, cost: 'catalog', node: n });
      return;
    }
    cmds.forEach((cmd, i) => this.alterCmd(rel, cmd, spans[i]));
  }

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
    const base = { relation: rel, span, node: cmd };
    switch (cmd.subtype as string) {
      case 'AT_AddColumn':
      case 'AT_AddColumnToView': {
        const def = cmd.def?.ColumnDef;
        const col = columnSpec(def, this.s, span);
        const { cost, reason } = this.addColumnCost(col);
        const a = this.add({ ...base, type: 'add-column', lock: AEL, cost, reason, column: col.name, columnDef: col });
        if (col.references) a.also = [{ rel: col.references, lock: 'ShareRowExclusiveLock', role: 'referenced' }];
        if (col.references && !a.reason) { a.cost = 'scan'; }
        return;
      }
      case 'AT_DropColumn':
        this.add({ ...base, type: 'drop-column', lock: AEL, cost: 'catalog', column: cmd.name });
        return;
      case 'AT_AlterColumnType': {
        const def = cmd.def?.ColumnDef;
        const newType = typeFromNode(def?.typeName);
        const oldType = t?.columns.get(cmd.name)?.type;
        const { cost, reason } = typeChangeCost(oldType, newType, !!def?.raw_default, this.view.isNew(rel));
        this.add({ ...base, type: 'alter-column-type', lock: AEL, cost, reason, column: cmd.name, oldType, newType });
        return;
      }
      case 'AT_SetNotNull': {
        // PG 12+: a validated CHECK (col IS NOT NULL) proves it without a scan.
        const proven = this.pg >= 12 && !!rel && this.view.schema.hasValidatedNotNullCheck(rel, cmd.name);
        this.add({ ...base, type: 'set-not-null', lock: AEL, cost: proven ? 'catalog' : 'scan', column: cmd.name, reason: proven ? 'a validated CHECK (… IS NOT NULL) proves it' : 'SET NOT NULL checks every row' });
        return;
      }
      case 'AT_DropNotNull':
        this.add({ ...base, type: 'drop-not-null', lock: AEL, cost: 'catalog', column: cmd.name });
        return;
      case 'AT_ColumnDefault':
        this.add({ ...base, type: cmd.def ? 'set-default' : 'drop-default', lock: AEL, cost: 'catalog', column: cmd.name });
        return;
      case 'AT_AddConstraint':
      case 'AT_AddIndexConstraint': {
        const c = cmd.def?.Constraint;
        const cspan = c?.location !== undefined ? this.at(c.location, span.end) : span;
        const spec = constraintSpec(c, this.s, cspan);
        this.addConstraint(rel, spec, cspan, cmd);
        return;
      }
      case 'AT_ValidateConstraint': {
        const con = t?.constraints.get(cmd.name);
        const also = con?.kind === 'foreign' && con.references ? [{ rel: con.references, lock: 'RowShareLock' as LockMode, role: 'referenced' as const }] : undefined;
        // VALIDATE CONSTRAINT: SHARE UPDATE EXCLUSIVE; reads and writes continue during the scan.
        this.add({ ...base, type: 'validate-constraint', lock: SUEL, cost: 'scan', also, constraint: con ? { name: con.name, kind: con.kind, notValid: false, columns: con.columns, sql: '' } : { name: cmd.name, kind: 'other', notValid: false, columns: [], sql: '' } });
        return;
      }
      case 'AT_DropConstraint': {
        const con = t?.constraints.get(cmd.name);
        const also = con?.kind === 'foreign' && con.references ? [{ rel: con.references, lock: AEL, role: 'referenced' as const }] : undefined;
        this.add({ ...base, type: 'drop-constraint', lock: AEL, cost: 'catalog', also, constraint: { name: cmd.name, kind: con?.kind ?? 'other', notValid: false, columns: con?.columns ?? [], sql: '' } });
        return;
      }
      case 'AT_AlterConstraint':
        this.add({ ...base, type: 'alter-table', lock: AEL, cost: 'catalog' });
        return;
      case 'AT_AttachPartition': {
        const part = relFromRangeVar(cmd.def?.PartitionCmd?.name);
        // PG 12+: SHARE UPDATE EXCLUSIVE on the parent; the partition gets ACCESS EXCLUSIVE and a scan
        // unless a valid CHECK constraint implies the bound.
        this.add({ ...base, type: 'attach-partition', lock: this.pg >= 12 ? SUEL : AEL, cost: 'catalog', also: part ? [{ rel: part, lock: AEL, role: 'partition' }] : undefined, column: part?.name });
        // A validated CHECK on the partition that implies the bound lets Postgres skip the scan.
        const proven = !!part && !!rel && this.view.schema.checkProvesPartitionBound(rel, part);
        if (part) this.add({ type: 'attach-partition', relation: part, role: 'partition', lock: AEL, cost: proven ? 'catalog' : 'scan', span, node: cmd, reason: proven ? 'a validated CHECK constraint implies the bound' : 'the partition is scanned to check the bound' });
        return;
      }
      case 'AT_DetachPartition': {
        const part = relFromRangeVar(cmd.def?.PartitionCmd?.name);
        const concurrently = !!cmd.def?.PartitionCmd?.concurrent;
        this.noTransaction ||= concurrently;
        this.add({ ...base, type: 'detach-partition', lock: concurrently ? SUEL : AEL, cost: 'catalog', concurrently, also: part ? [{ rel: part, lock: AEL, role: 'partition' }] : undefined, column: part?.name });
        return;
      }
      case 'AT_DetachPartitionFinalize':
        this.add({ ...base, type: 'detach-partition', lock: SUEL, cost: 'catalog', concurrently: true });
        return;
      case 'AT_SetLogged':
      case 'AT_SetUnLogged':
        this.add({ ...base, type: cmd.subtype === 'AT_SetLogged' ? 'set-logged' : 'set-unlogged', lock: AEL, cost: 'rewrite', reason: 'changing persistence rewrites the table' });
        return;
      case 'AT_SetTableSpace':
        this.add({ ...base, type: 'set-tablespace', lock: AEL, cost: 'rewrite', reason: 'the table is copied to the new tablespace' });
        return;
      case 'AT_SetStatistics':
      case 'AT_ClusterOn':
      case 'AT_DropCluster':
      case 'AT_SetOptions':
      case 'AT_ResetOptions':
        this.add({ ...base, type: 'alter-table', lock: SUEL, cost: 'catalog' });
        return;
      case 'AT_SetRelOptions':
      case 'AT_ResetRelOptions': {
        // fillfactor, autovacuum_*, toast_* and parallel_workers take SHARE UPDATE EXCLUSIVE; others ACCESS EXCLUSIVE.
        const defs: any[] = Array.isArray(cmd.def) ? cmd.def : (cmd.def?.List?.items ?? []);
        const names = defs.map((d: any) => String(d.DefElem?.defname ?? ''));
        const light = names.every((x: string) => /^(fillfactor|autovacuum_|toast\.|toast_tuple_target|parallel_workers|vacuum_|log_autovacuum)/.test(x));
        this.add({ ...base, type: 'alter-table', lock: light ? SUEL : AEL, cost: 'catalog' });
        return;
      }
      case 'AT_EnableTrig':
      case 'AT_DisableTrig':
      case 'AT_EnableAlwaysTrig':
      case 'AT_EnableReplicaTrig':
      case 'AT_EnableTrigAll':
      case 'AT_DisableTrigAll':
      case 'AT_EnableTrigUser':
      case 'AT_DisableTrigUser':
        // ENABLE/DISABLE TRIGGER: SHARE ROW EXCLUSIVE.
        this.add({ ...base, type: 'alter-table', lock: 'ShareRowExclusiveLock', cost: 'catalog' });
        return;
      case 'AT_AddIdentity':
      case 'AT_SetIdentity':
      case 'AT_DropIdentity':
      case 'AT_SetExpression':
      case 'AT_DropExpression':
        this.add({ ...base, type: 'alter-table', lock: AEL, cost: cmd.subtype === 'AT_SetExpression' ? 'rewrite' : 'catalog', column: cmd.name });
        return;
      case 'AT_SetStorage':
      case 'AT_SetCompression':
      case 'AT_ChangeOwner':
      case 'AT_EnableRowSecurity':
      case 'AT_DisableRowSecurity':
      case 'AT_ForceRowSecurity':
      case 'AT_NoForceRowSecurity':
      case 'AT_ReplicaIdentity':
      case 'AT_AddInherit':
      case 'AT_DropInherit':
      case 'AT_AddOf':
      case 'AT_DropOf':
      case 'AT_EnableRule':
      case 'AT_DisableRule':
      case 'AT_EnableAlwaysRule':
      case 'AT_EnableReplicaRule':
      case 'AT_GenericOptions':
      case 'AT_AlterColumnGenericOptions':
      case 'AT_DropOids':
      case 'AT_SetAccessMethod':
        this.add({ ...base, type: 'alter-table', lock: AEL, cost: cmd.subtype === 'AT_SetAccessMethod' ? 'rewrite' : 'catalog', column: cmd.name });
        return;
      default:
        this.unanalyzed = `pgsafe has no lock model for ALTER TABLE ${String(cmd.subtype).replace(/^AT_/, '')}`;
        this.add({ ...base, type: 'alter-table', lock: AEL, cost: 'catalog' });
    }
  }

  private addColumnCost(col: ColumnSpec): { cost: Cost; reason?: string } {
    if (col.generated === 'stored') return { cost: 'rewrite', reason: 'a stored generated column is computed for every row' };
    if (col.identity) return { cost: 'rewrite', reason: 'an identity column fills every row from its sequence' };
    if (col.serial) return { cost: 'rewrite', reason: `a ${col.type?.name} column fills every row from a new sequence` };
    if (col.default) {
      if (this.pg < 11) return { cost: 'rewrite', reason: 'before PG 11, any DEFAULT rewrites the table' };
      // PG 11+: a non-volatile default is stored in the catalog and filled in lazily.
      if (col.default.volatile) return { cost: 'rewrite', reason: `volatile default \`${col.default.sql}\`${col.default.why ? ` (${col.default.why})` : ''}` };
      if (col.notNull || col.check) return { cost: 'catalog' };
      return { cost: 'catalog' };
    }
    if (col.check) return { cost: 'scan', reason: 'the CHECK constraint is checked against every row' };
    if (col.notNull) return { cost: 'scan', reason: 'NOT NULL without a DEFAULT fails on any existing row' };
    if (col.primaryKey || col.unique) return { cost: 'index-build', reason: 'a unique index is built' };
    return { cost: 'catalog' };
  }

  private addConstraint(rel: Rel | undefined, spec: ConstraintSpec, span: Span, cmd: any): void {
    const base = { type: 'add-constraint', relation: rel, span, node: cmd, constraint: spec };
    switch (spec.kind) {
      case 'foreign':
        // ADD FOREIGN KEY: SHARE ROW EXCLUSIVE on both tables; validation scans the referencing table.
        this.add({ ...base, lock: 'ShareRowExclusiveLock', cost: spec.notValid ? 'catalog' : 'scan', reason: spec.notValid ? undefined : 'every existing row is checked against the referenced table', also: spec.references ? [{ rel: spec.references, lock: 'ShareRowExclusiveLock', role: 'referenced' }] : undefined });
        return;
      case 'check':
        this.add({ ...base, lock: AEL, cost: spec.notValid ? 'catalog' : 'scan', reason: spec.notValid ? undefined : 'every existing row is checked' });
        return;
      case 'primary':
      case 'unique':
        if (spec.usingIndex) this.add({ ...base, lock: AEL, cost: 'catalog' });
        else this.add({ ...base, lock: AEL, cost: 'index-build', reason: `a unique index is built while ACCESS EXCLUSIVE is held` });
        return;
      case 'exclusion':
        this.add({ ...base, lock: AEL, cost: 'index-build', reason: 'the exclusion index is built while ACCESS EXCLUSIVE is held' });
        return;
      case 'notnull':
        this.add({ ...base, lock: AEL, cost: 'scan', column: spec.columns[0] });
        return;
      default:
        this.add({ ...base, lock: AEL, cost: 'catalog' });
    }
  }
}

function trimRight(text: string, end: number): number {
  let e = end;
  while (e > 0 && /\s/.test(text[e - 1])) e--;
  return e;
}

export function columnSpec(def: any, s: SourceStatement, span: Span): ColumnSpec {
  const type = typeFromNode(def?.typeName);
  const col: ColumnSpec = {
    name: def?.colname ?? '?', type, notNull: false, identity: false,
    serial: !!type && ['serial', 'bigserial', 'smallserial', 'serial4', 'serial8'].includes(type.name),
    primaryKey: false, unique: false, check: false,
  };
  for (const cw of def?.constraints ?? []) {
    const c = cw.Constraint;
    switch (c?.contype) {
      case 'CONSTR_NOTNULL': col.notNull = true; break;
      case 'CONSTR_DEFAULT': {
        const v = defaultVolatility(c.raw_expr);
        const start = s.toOffset(minLocation(c.raw_expr) ?? c.location);
        const end = exprEnd(s, start, span.end);
        col.default = { sql: sliceStmt(s, start, end), volatile: v.volatile, why: v.why, span: { start, end } };
        break;
      }
      case 'CONSTR_IDENTITY': col.identity = true; break;
      case 'CONSTR_GENERATED': col.generated = c.generated_kind === 'v' ? 'virtual' : 'stored'; break;
      case 'CONSTR_FOREIGN': col.references = relFromRangeVar(c.pktable); break;
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
  };
}

