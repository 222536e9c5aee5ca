// One lock-table row against the server: its example runs on a fresh database with rows in the tables; the row
// holds when the server does what pgsafe predicts for the example, and that prediction is the row's.
import type { Cost, LockMode } from '../analysis/locks.js';
import type { RelationRole } from '../analysis/types.js';
import { runOracle, type StatementVerdict } from './run.js';
import type { OracleServer } from './server.js';

export interface RowLike {
  id: string;
  locks: readonly { role: RelationRole; mode: LockMode }[];
  cost: Cost;
  example: { setup?: string; sql: string };
}

export interface RowVerdict {
  id: string;
  agrees: boolean;
  /** Each way the server, the prediction and the row differ. */
  reasons: string[];
  statement?: StatementVerdict;
}

const key = (l: { role: string; mode: string }) => `${l.role}:${l.mode}`;

export async function verifyRow(server: OracleServer, row: RowLike, pgVersion = 15): Promise<RowVerdict> {
  const session = await server.database();
  try {
    const files = [
      ...(row.example.setup ? [{ path: 'setup.sql', text: row.example.setup, observe: false }] : []),
      { path: 'example.sql', text: row.example.sql },
    ];
    const r = await runOracle(session, files, { pgVersion });
    const reasons = r.setupErrors.map((e) => `setup failed: ${e}`);
    const s = r.statements.at(-1);
    if (!s) return { id: row.id, agrees: false, reasons: [...reasons, 'the example has no statement'] };
    if (s.outcome !== 'compared') return { id: row.id, agrees: false, reasons: [...reasons, `example not compared (${s.outcome}): ${s.note}`], statement: s };
    const c = s.comparison!;
    for (const d of c.locks ?? []) reasons.push(`lock on ${d.relation}: predicted ${d.predicted ?? 'none'}, server ${d.observed ?? 'none'}`);
    if (!c.agree.rewrite) reasons.push(`rewrites: predicted [${c.rewrites!.predicted}], server [${c.rewrites!.observed}]`);
    if (c.agree.scan === false) reasons.push(`scans: predicted [${c.scans!.predicted}], server [${c.scans!.observed}]`);
    const predicted = s.predicted.locks.filter((l) => !l.isNew).map(key).sort();
    const claimed = row.locks.map(key).sort();
    if (predicted.join() !== claimed.join()) reasons.push(`model locks [${predicted.join(', ')}] are not the row's [${claimed.join(', ')}]`);
    if (s.predicted.cost !== row.cost) reasons.push(`model cost ${s.predicted.cost} is not the row's ${row.cost}`);
    return { id: row.id, agrees: reasons.length === 0, reasons, statement: s };
  } finally {
    await session.close();
  }
}
