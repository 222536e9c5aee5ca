// One lock-table row against the server: its example runs on a fresh database with rows in the tables; the row
// holds when the server does what pgsafe predicts for the example, and that prediction is the row's.
import type { Cost, LockMode } from '../analysis/locks.js';
import type { RelationRole } from '../analysis/types.js';
import { runOracle, type StatementVerdict } from './run.js';
import type { OracleServer, OracleSession } from './server.js';

export interface RowLike {
  id: string;
  locks: readonly { role: RelationRole; mode: LockMode }[];
  cost: Cost;
  example: { setup?: string; sql: string };
}

export interface RowVerdict {
  id: string;
  agrees: boolean;
  /** Set when the example cannot be observed at all: why. */
  skipped?: string;
  /** Each way the server, the prediction and the row differ. */
  reasons: string[];
  statement?: StatementVerdict;
}

const key = (l: { role: string; mode: string }) => `${l.role}:${l.mode}`;

/** Per server, per setup text: a database with the setup applied and rows in its tables, and idle copies of it. */
interface Base {
  name: string;
  errors: string[];
  idle: OracleSession[];
}
const bases = new WeakMap<OracleServer, Map<string, Promise<Base>>>();

function base(server: OracleServer, setup: string, pgVersion: number): Promise<Base> {
  let cache = bases.get(server);
  if (!cache) bases.set(server, (cache = new Map()));
  let b = cache.get(setup);
  if (!b) {
    b = (async () => {
      const session = await server.database();
      try {
        const r = await runOracle(session, [{ path: 'setup.sql', text: setup, observe: false }], { pgVersion });
        await session.seed();
        return { name: await session.close(true), errors: r.setupErrors, idle: [] };
      } catch (err) {
        await session.close();
        throw err;
      }
    })();
    cache.set(setup, b);
  }
  return b;
}

/** Ends the sessions `verifyRow` keeps for the next examples (their databases are dropped with the server). */
export async function releaseRowSessions(server: OracleServer): Promise<void> {
  for (const b of bases.get(server)?.values() ?? []) for (const s of (await b).idle.splice(0)) await s.close();
}

/**
 * Runs the row's example on a copy of its setup and compares. Examples run in a transaction that is rolled back, so
 * a copy serves the next row with the same setup; one that must commit (CONCURRENTLY…) gets its copy dropped.
 */
export async function verifyRow(server: OracleServer, row: RowLike, pgVersion = 15): Promise<RowVerdict> {
  const setup = row.example.setup ?? '';
  const b = await base(server, setup, pgVersion);
  const session = b.idle.pop() ?? (await server.database(b.name));
  let reuse = false;
  try {
    const files = [
      ...(setup ? [{ path: 'setup.sql', text: setup, applied: true }] : []),
      { path: 'example.sql', text: row.example.sql },
    ];
    const r = await runOracle(session, files, { pgVersion, rollback: true });
    const reasons = b.errors.map((e) => `setup failed: ${e}`);
    const s = r.statements.at(-1);
    reuse = r.statements.every((x) => x.observed?.how !== 'alone');
    if (!s) return { id: row.id, agrees: false, reasons: [...reasons, 'the example has no statement'] };
    if (s.kind === 'TransactionStmt') return { id: row.id, agrees: false, skipped: 'transaction control cannot be observed inside the statement\'s own transaction', reasons, statement: s };
    if (!s.comparison) return { id: row.id, agrees: false, reasons: [...reasons, `example not compared (${s.outcome}): ${s.note}`], statement: s };
    const c = s.comparison!;
    for (const d of c.locks ?? []) reasons.push(`lock on ${d.relation}: predicted ${d.predicted ?? 'none'}, server ${d.observed ?? 'none'}`);
    if (!c.agree.rewrite) reasons.push(`rewrites: predicted [${c.rewrites!.predicted}], server [${c.rewrites!.observed}]`);
    if (c.agree.scan === false) reasons.push(`scans: predicted [${c.scans!.predicted}], server [${c.scans!.observed}]`);
    // The example must exercise the row: pgsafe's locks in the roles the row names are the row's (other roles come
    // from the statement's other actions, e.g. the reads of a CREATE VIEW), and the cost is the row's.
    const claimed = new Set(row.locks.map(key));
    const roles = new Set(row.locks.map((l) => l.role));
    const predicted = s.predicted.locks.filter((l) => !l.isNew && roles.has(l.role)).map(key);
    if (predicted.some((k) => !claimed.has(k)) || (predicted.length === 0) !== (claimed.size === 0)) reasons.push(`model locks [${predicted.join(', ')}] are not the row's [${[...claimed].join(', ')}]`);
    if (s.predicted.cost !== row.cost) reasons.push(`model cost ${s.predicted.cost} is not the row's ${row.cost}`);
    return { id: row.id, agrees: reasons.length === 0, reasons, statement: s };
  } finally {
    if (reuse) b.idle.push(session);
    else await session.close();
  }
}
