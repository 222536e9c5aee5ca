// Every lock-table row's example on a real PG (local binaries, rows in every table): the server must do what the
// row and pgsafe's prediction say. Rows the model still gets wrong are listed by row id, with why, in
// KNOWN_DISAGREEMENTS; issue 10's classes not yet in the table are cases.ts's PENDING. Both must still disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_TABLE } from '../../src/analysis/lock-table.js';
import { releaseRowSessions, verifyRow, type RowLike, type RowVerdict } from '../../src/oracle/row.js';
import { startOracleServer, type OracleServer } from '../../src/oracle/server.js';
import { PENDING } from './cases.js';

/** The major of the local binaries (the replay cluster code); rows for other majors are listed as skipped. */
const PG = 15;

/**
 * Rows whose example the server does not do as the row says, with why. Each must still disagree: a fix to the
 * model makes the row agree, and then it must leave this list.
 */
export const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {
  'analyze': 'ANALYZE reads a sample, not the whole table',
  'refresh-matview-concurrently': 'REFRESH runs the view\'s query: the tables it reads are locked and scanned',
  'refresh-matview': 'REFRESH runs the view\'s query: the tables it reads are locked and scanned',
};

const inRange = (r: (typeof LOCK_TABLE)[number]) => (r.pg?.min ?? 0) <= PG && PG <= (r.pg?.max ?? 99) && (r.example.minPg ?? 0) <= PG;
// A row this server cannot run says why; it is listed as skipped below, never dropped silently.
const range = (p?: { min?: number; max?: number }) => (p?.min && p.max ? `PG ${p.min}–${p.max}` : p?.min ? `PG ${p.min}+` : p?.max ? `PG ≤ ${p.max}` : 'every PG');
const why = (r: (typeof LOCK_TABLE)[number]) =>
  r.example.skip ?? (!inRange(r) ? `${r.example.minPg ? `the example needs PG ${r.example.minPg}+` : `holds for ${range(r.pg)}`}; the test server is PG ${PG}` : undefined);
const rows = LOCK_TABLE.filter((r) => !why(r));
const skipped = LOCK_TABLE.filter((r) => why(r));
const pending: RowLike[] = PENDING.map((c) => ({ ...c, id: `pending:${c.id}` }));
const verdicts = new Map<string, RowVerdict>();
let server: OracleServer;

beforeAll(async () => {
  server = await startOracleServer();
  // Two databases at a time: the machine is shared, and each example is a handful of small statements.
  const queue: RowLike[] = [...rows, ...pending];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) verdicts.set(r.id, await verifyRow(server, r, PG));
  };
  await Promise.all([worker(), worker()]);
}, 180_000);

afterAll(async () => {
  if (server) await releaseRowSessions(server);
  await server?.stop();
});

describe('lock table rows on a real server', () => {
  it(`runs on PG ${PG}, every row in range, and every known disagreement names a row`, () => {
    expect(server.version).toMatch(new RegExp(`^${PG}\\.`));
    expect(rows.length + skipped.length).toBe(LOCK_TABLE.length);
    expect(rows.length).toBeGreaterThanOrEqual(90);
    for (const id of Object.keys(KNOWN_DISAGREEMENTS)) expect(rows.map((r) => r.id)).toContain(id);
  });

  it.each(rows.filter((r) => !(r.id in KNOWN_DISAGREEMENTS)).map((r) => r.id))('%s: the server does what the row says', (id) => {
    const v = verdicts.get(id)!;
    // Only transaction control cannot be observed; the verdict says so, and it must have no locks to check.
    if (v.skipped) {
      expect(v.statement?.kind).toBe('TransactionStmt');
      expect(rows.find((r) => r.id === id)!.locks).toEqual([]);
      return;
    }
    expect(v.reasons).toEqual([]);
    expect(v.agrees).toBe(true);
  });

  // Shown as skipped in the report, with the reason.
  for (const r of skipped) it.skip(`${r.id}: example not run (${why(r)})`, () => {});

  // A known disagreement that starts agreeing means the model was fixed: remove it from the list.
  it.each([...Object.entries(KNOWN_DISAGREEMENTS), ...PENDING.map((c) => [`pending:${c.id}`, c.why])])('%s still disagrees (%s)', (id) => {
    const v = verdicts.get(id)!;
    expect(v.agrees, `${id} now agrees with the server: remove it from KNOWN_DISAGREEMENTS / PENDING`).toBe(false);
    // It disagrees because of what the server did, not because it could not run.
    expect(v.reasons.some((r) => r.startsWith('setup failed') || r.startsWith('example not compared'))).toBe(false);
    // …and the server itself differs from the prediction (not only the case's own claim).
    expect(v.statement?.comparison?.agree.all).toBe(false);
  });
});
