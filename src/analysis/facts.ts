// Statement-level facts derived from a statement's actions: the strongest lock per relation with
// its role, which relations are rewritten or scanned, and how long the statement can run.
import { strongest } from './locks.js';
import type { Rel } from './names.js';
import type { Action, RelationLock, RelationRole, Runtime } from './types.js';

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

/** Relations whose relfilenode changes, and relations read in full (a rewrite reads its table too). */
export function rewritesAndScans(actions: readonly Action[]): { rewrites: Rel[]; scans: Rel[] } {
  const rewrites: Rel[] = [];
  const scans: Rel[] = [];
  for (const a of actions) {
    if (a.cost === 'rewrite') addRel(rewrites, a.relation);
    if (a.cost === 'rewrite' || a.cost === 'index-build' || a.cost === 'scan') addRel(scans, a.relation);
    // Validating a foreign key reads the referenced table as well.
    const validatesFk = (a.type === 'add-constraint' || a.type === 'validate-constraint') && a.constraint?.kind === 'foreign' && a.cost === 'scan';
    if (validatesFk) for (const x of a.also ?? []) if (x.role === 'referenced') addRel(scans, x.rel);
  }
  return { rewrites, scans };
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
