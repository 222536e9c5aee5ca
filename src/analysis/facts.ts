// Statement-level facts derived from a statement's actions: the strongest lock per relation with
// its role, which relations are rewritten or scanned, and how long the statement can run.
import { strongest } from './locks.js';
import type { Rel } from './names.js';
import type { Action, RelationLock, RelationRole, Runtime, TxControl } from './types.js';

/** Strongest lock per relation; the role is the one that came with the strongest mode (the first on a tie). */
export function mergeLocks(actions: readonly Action[], index: number, isNew: (r: Rel) => boolean): RelationLock[] {
  const byKey = new Map<string, RelationLock>();
  const put = (rel: Rel | undefined, mode: RelationLock['mode'] | undefined, role: RelationRole) => {
    if (!rel || !mode) return;
    const prev = byKey.get(rel.key);
    const next = strongest(prev?.mode, mode)!;
    const keepRole = prev && (prev.mode === next || prev.role === 'target');
    byKey.set(rel.key, { rel, mode: next, role: keepRole ? prev.role : role, isNew: isNew(rel), statement: index });
  };
  for (const a of actions) {
    put(a.relation, a.lock, a.role ?? 'target');
    for (const x of a.also ?? []) put(x.rel, x.lock, x.role);
  }
  // A table created by this very statement is new.
  for (const a of actions) if (a.type === 'create-table' && a.relation) { const l = byKey.get(a.relation.key); if (l) l.isNew = true; }
  return [...byKey.values()];
}

function addRel(list: Rel[], rel: Rel | undefined): void {
  if (rel && !list.some((r) => r.key === rel.key)) list.push(rel);
}

/**
 * Relations whose relfilenode changes, and relations read in full (a rewrite reads its table too). `isNew`: a table
 * created in this file and given no rows is empty, so validating a foreign key from it reads nothing of the
 * referenced table.
 */
export function rewritesAndScans(actions: readonly Action[], isNew: (r: Rel | undefined) => boolean = () => false): { rewrites: Rel[]; scans: Rel[] } {
  const rewrites: Rel[] = [];
  const scans: Rel[] = [];
  for (const a of actions) {
    // ALTER INDEX … SET TABLESPACE copies the index, not its table.
    const own = a.type === 'alter-table' && a.onIndex ? (a.related ?? []).find((x) => x.role === 'index')?.rel : a.relation;
    if (a.cost === 'rewrite') addRel(rewrites, own);
    if (a.cost === 'rewrite' || a.cost === 'index-build' || a.cost === 'scan') addRel(scans, a.type === 'alter-table' && a.onIndex ? undefined : a.relation);
    // Validating a foreign key reads the tables on its other side as well (unless this side is new, so empty).
    if (validatesForeignKey(a) && !isNew(a.relation)) for (const x of a.also ?? []) if (x.role === 'referenced' || x.role === 'referencing') addRel(scans, x.rel);
  }
  return { rewrites, scans };
}

/** The action checks a foreign key against existing rows: a new or re-validated FK, or one rebuilt by a type change. */
function validatesForeignKey(a: Action): boolean {
  if (a.cost !== 'scan' && a.cost !== 'rewrite') return false;
  if ((a.type === 'add-constraint' || a.type === 'validate-constraint') && a.constraint?.kind === 'foreign') return true;
  // ADD COLUMN … REFERENCES is checked (the referenced table read) only when the ALTER adds a default.
  if (a.type === 'add-column') return !!a.columnDef?.references && !!a.checksReferences;
  // A type change that rewrites re-validates every foreign key on the column, from either side.
  return a.type === 'alter-column-type' && a.cost === 'rewrite';
}

const RUNTIME_ORDER: Runtime[] = ['instant', 'bounded', 'open-ended'];

function actionRuntime(a: Action, isNew: (r: Rel | undefined) => boolean): Runtime {
  if (a.concurrently) return 'open-ended';
  if (a.type === 'do-block') return 'open-ended';
  if ((a.type === 'vacuum' || a.type === 'vacuum-full' || a.type === 'analyze') && !a.relation) return 'open-ended';
  if (!a.relation || isNew(a.relation)) return 'instant';
  if (a.cost === 'scan' || a.cost === 'index-build' || a.cost === 'rewrite') return 'bounded';
  if (a.type === 'insert' || a.type === 'update' || a.type === 'delete' || a.type === 'select') return 'bounded';
  return 'instant';
}

/** The longest runtime class among the statement's actions. */
export function statementRuntime(kind: string, actions: readonly Action[], isNew: (r: Rel | undefined) => boolean): Runtime {
  // CALL runs a procedure whose body pgsafe does not see.
  if (kind === 'CallStmt') return 'open-ended';
  let best: Runtime = 'instant';
  for (const a of actions) {
    const r = actionRuntime(a, isNew);
    if (RUNTIME_ORDER.indexOf(r) > RUNTIME_ORDER.indexOf(best)) best = r;
  }
  return best;
}

/** The transaction control a statement performs (BEGIN, COMMIT …), if it is one. */
export function txControl(stmt: { actions: readonly Action[] }): TxControl | undefined {
  for (const a of stmt.actions) if (a.type === 'transaction') return a.tx;
  return undefined;
}
