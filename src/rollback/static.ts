// The static round trip: apply up, then down, to a copy of pgsafe's schema model and compare the result with the
// model before up. No database: it sees what the schema model sees (tables, columns, constraints, indexes, enums
// created or changed by the files of the run).
import { Analyzer, runStatements } from '../analysis/analyzer.js';
import type { Rel } from '../analysis/names.js';
import type { SchemaModel } from '../analysis/schema.js';
import type { AnalysedStatement, AnalysisSettings, Span } from '../analysis/types.js';
import { parseSource, type SourceStatement } from '../source/index.js';
import { cloneSchema } from '../analysis/fork.js';
import { diffRoundTrip, snapshotFromModel, type RoundTripIssue, type Snapshot } from './snapshot.js';

export interface MigrationText {
  path: string;
  text: string;
  /** Only statements inside this range count (a goose/dbmate section); default: the whole text. */
  span?: Span;
}

export interface LocatedIssue extends RoundTripIssue {
  /** The up statement that added, dropped or changed the object (the first statement when none did). */
  statement?: number;
  span?: Span;
}

export interface StaticRoundTrip {
  issues: LocatedIssue[];
  before: Snapshot;
  afterUp: Snapshot;
  afterDown: Snapshot;
}

/** Statements of a migration, section-aware, syntax errors left out. */
export function migrationStatements(m: MigrationText): SourceStatement[] {
  const parsed = parseSource(m.text);
  return parsed.statements.filter((s) => s.kind !== 'SyntaxError' && (!m.span || (s.start >= m.span.start && s.start < m.span.end)));
}

/** Applies statements to the analyzer's schema (the one reducer lint uses too). */
export function applyStatements(a: Analyzer, statements: SourceStatement[], onAction?: (stmt: AnalysedStatement) => void): void {
  runStatements(a, statements, { onStatement: onAction });
}

const DROPS = new Set(['drop-table', 'drop-column', 'drop-index', 'drop-constraint']);

/** Keys of the objects each action of an up statement touches, in the snapshot's key space; `drops` gets those it drops. */
function touchedKeys(schema: SchemaModel, a: AnalysedStatement, drops?: Set<string>): string[] {
  const keys: string[] = [];
  const tk = (rel: Rel | undefined) => (rel ? schema.table(rel)?.rel.key ?? rel.key : undefined);
  for (const act of a.actions) {
    const t = tk(act.relation);
    const from = keys.length;
    switch (act.type) {
      case 'create-table':
      case 'drop-table':
      case 'rename-table':
        if (t) keys.push(t);
        break;
      case 'add-column':
      case 'drop-column':
      case 'alter-column-type':
      case 'set-not-null':
      case 'drop-not-null':
      case 'set-default':
      case 'drop-default':
      case 'rename-column':
        if (t && act.column) keys.push(`${t}.${act.column}`);
        if (t && act.type === 'add-column' && act.columnDef) keys.push(`${t}.${act.columnDef.name}`);
        break;
      case 'create-index':
        if (act.relation) keys.push(`${act.relation.schema ?? schema.table(act.relation)?.rel.schema ?? 'public'}.${act.name}`);
        break;
      case 'drop-index':
        if (act.index) keys.push(act.index.key);
        break;
      case 'add-constraint':
      case 'drop-constraint':
      case 'validate-constraint':
        if (t && act.constraint?.name) keys.push(`${t}.${act.constraint.name}`);
        break;
      case 'create-type':
      case 'alter-enum-add-value':
        if (act.relation) keys.push(act.relation.key);
        break;
      case 'drop-object':
        if (act.objectType === 'type' && act.object) keys.push(act.object.key);
        break;
    }
    if (drops && DROPS.has(act.type)) for (const k of keys.slice(from)) drops.add(k);
  }
  return keys;
}

/**
 * Runs up then down on a copy of `before` and reports what down forgets or gets wrong. Each issue points at the up
 * statement that touched the object, so a finding lands where the user would write its undo.
 */
export function staticRoundTrip(before: SchemaModel, up: MigrationText, down: MigrationText, settings: AnalysisSettings): StaticRoundTrip {
  const a = new Analyzer(settings);
  cloneSchema(before, a.schema);
  const upStatements = migrationStatements(up);
  const downStatements = migrationStatements(down);
  // The model learns of tables created outside the run when a statement touches them (an index on a partition made
  // by a function). Those existed before up: give the before-state the same empty stubs, so they are not "added".
  const probe = new Analyzer(settings);
  cloneSchema(before, probe.schema);
  // The same pass finds what up or down can change: only that can differ between the snapshots.
  const scope = new ScopeCollector(probe);
  probe.beginFile(up.path);
  applyStatements(probe, upStatements, scope.collect);
  probe.beginFile(`${down.path}#rollback`);
  applyStatements(probe, downStatements, scope.collect);
  for (const [k, t] of probe.schema.tables) {
    if (!a.schema.tables.has(k) && !t.createdIn) a.schema.tables.set(k, { rel: t.rel, kind: t.kind, columns: new Map(), constraints: new Map() });
  }
  const snapB = snapshotFromModel(a.schema, scope.keys());
  const where = new Map<string, { statement: number; span: Span }>();
  // Objects up drops before anything else touches them existed before up, even when pgsafe never saw them created.
  const droppedFirst = new Set<string>();
  a.beginFile(up.path);
  applyStatements(a, upStatements, (an) => {
    const drops = new Set<string>();
    for (const k of touchedKeys(a.schema, an, drops)) {
      if (where.has(k)) continue;
      where.set(k, { statement: an.source.index, span: { start: an.source.start, end: an.source.end } });
      if (drops.has(k)) droppedFirst.add(k);
    }
  });
  const snapU = snapshotFromModel(a.schema, scope.keys());
  a.beginFile(`${down.path}#rollback`);
  applyStatements(a, downStatements);
  const snapD = snapshotFromModel(a.schema, scope.keys());
  const first = upStatements[0];
  const unseen = [...droppedFirst].filter((k) => !snapB.tables.has(k) && !snapB.indexes.has(k) && !snapB.constraints.has(k) && !snapB.enums.has(k) && !hasColumn(snapB, k));
  const issues: LocatedIssue[] = dropKnownRestores(diffRoundTrip(snapB, snapU, snapD), new Set(where.keys()), new Set(unseen)).map((i) => {
    const at = where.get(i.key) ?? (i.table ? where.get(i.table) : undefined);
    return { ...i, statement: at?.statement ?? first?.index, span: at?.span ?? (first ? { start: first.start, end: first.end } : undefined) };
  });
  return { issues, before: snapB, afterUp: snapU, afterDown: snapD };
}

/** Action types whose effect on the schema is fully described by their relations (anything else: snapshot everything). */
const SCOPED = new Set([
  'create-table', 'create-table-as', 'create-view', 'create-matview', 'drop-table', 'drop-view', 'rename-table', 'rename-column', 'rename-object',
  'add-column', 'drop-column', 'alter-column-type', 'set-not-null', 'drop-not-null', 'set-default', 'drop-default',
  'add-constraint', 'validate-constraint', 'drop-constraint', 'create-index', 'drop-index', 'alter-table', 'create-type',
  'alter-enum-add-value', 'insert', 'update', 'delete', 'select', 'set', 'transaction', 'comment', 'grant', 'create-trigger',
  'drop-trigger', 'create-policy', 'create-function', 'create-extension', 'create-schema', 'create-sequence', 'alter-sequence',
  'lock-table', 'truncate', 'reindex', 'vacuum', 'analyze', 'refresh-matview', 'session', 'attach-partition', 'detach-partition',
]);

/**
 * The table, index and enum keys a round trip can change. `keys()` is undefined when some statement's effect is not
 * scoped to its relations (DROP SCHEMA … CASCADE, DO blocks, unanalysed statements): then everything is compared.
 */
class ScopeCollector {
  private readonly set = new Set<string>();
  private whole = false;
  constructor(private readonly a: Analyzer) {}

  readonly collect = (an: AnalysedStatement): void => {
    const schema = this.a.schema;
    if (an.unanalyzed) this.whole = true;
    for (const act of an.actions) {
      if (!SCOPED.has(act.type)) this.whole = true;
      for (const r of [act.relation, ...(act.also ?? []).map((x) => x.rel)]) {
        if (!r) continue;
        this.set.add(r.key);
        const t = schema.table(r);
        if (t) this.set.add(t.rel.key);
        const idx = schema.index(r);
        if (idx) this.set.add(schema.table(idx.table)?.rel.key ?? idx.table.key);
      }
      if (act.type === 'rename-table' && act.relation && act.newName) {
        this.set.add(`${act.relation.schema ?? schema.table(act.relation)?.rel.schema ?? 'public'}.${act.newName}`);
      }
    }
    for (const k of touchedKeys(schema, an)) this.set.add(k);
  };

  keys(): Set<string> | undefined {
    return this.whole ? undefined : this.set;
  }
}

/**
 * Up dropped an object pgsafe never saw created (`DROP INDEX IF EXISTS` on an index from outside the run), and down
 * recreates it: that is the restore, not an extra object.
 */
export function dropKnownRestores(issues: RoundTripIssue[], touchedByUp: Set<string>, droppedUnseen: Set<string> = new Set()): RoundTripIssue[] {
  return issues.filter((i) => !(i.problem === 'created-extra' && touchedByUp.has(i.key)) && !(i.problem === 'not-undone' && droppedUnseen.has(i.key)));
}

function hasColumn(s: Snapshot, key: string): boolean {
  const dot = key.lastIndexOf('.');
  return s.tables.get(key.slice(0, dot))?.columns.has(key.slice(dot + 1)) ?? false;
}

/** Keys of the snapshot objects the statements of an up migration touch (add, drop, alter), on a copy of `before`. */
export function upTouches(before: SchemaModel, up: MigrationText, settings: AnalysisSettings): Set<string> {
  const a = new Analyzer(settings);
  cloneSchema(before, a.schema);
  const keys = new Set<string>();
  a.beginFile(up.path);
  applyStatements(a, migrationStatements(up), (an) => {
    for (const k of touchedKeys(a.schema, an)) keys.add(k);
  });
  return keys;
}

/** The static round trip of one migration after a run of earlier ones (their texts build the schema before up). */
export function staticRoundTripFiles(base: MigrationText[], up: MigrationText, down: MigrationText, settings: AnalysisSettings): StaticRoundTrip {
  const a = new Analyzer(settings);
  for (const b of base) {
    a.beginFile(b.path);
    applyStatements(a, migrationStatements(b));
  }
  return staticRoundTrip(a.schema, up, down, settings);
}
