// Every lock-table row's example on a real PG (local binaries, rows in every table): the server must do what the
// row and pgsafe's prediction say. Rows the model still gets wrong are listed, with why, in KNOWN_DISAGREEMENTS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseRowSessions, verifyRow, type RowVerdict } from '../../src/oracle/row.js';
import { startOracleServer, type OracleServer } from '../../src/oracle/server.js';
// Switch to the real table once it lands: `import { LOCK_TABLE as ROWS } from '../../src/analysis/lock-table.js';`
import { CASES as ROWS, KNOWN_DISAGREEMENTS } from './cases.js';

const PG = 15;
const inRange = ROWS.filter((r) => (r.pg?.min ?? 0) <= PG && PG <= (r.pg?.max ?? 99) && (r.example.minPg ?? 0) <= PG);
// A row whose example no server can run says why; it is listed as skipped below, never dropped silently.
const rows = inRange.filter((r) => !r.example.skip);
const skipped = inRange.filter((r) => r.example.skip);
const verdicts = new Map<string, RowVerdict>();
let server: OracleServer;

beforeAll(async () => {
  server = await startOracleServer();
  // Two databases at a time: the machine is shared, and each case is a handful of small statements.
  const queue = [...rows];
  const worker = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) verdicts.set(r.id, await verifyRow(server, r, PG));
  };
  await Promise.all([worker(), worker()]);
}, 50_000);

afterAll(async () => {
  if (server) await releaseRowSessions(server);
  await server?.stop();
});

describe('lock table rows on a real server', () => {
  it('covers enough rows, and every known disagreement names a row', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
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

  // Shown as skipped in the report, with the row's reason.
  for (const r of skipped) it.skip(`${r.id}: example not run (${r.example.skip})`, () => {});

  // A known disagreement that starts agreeing means the model was fixed: remove it from KNOWN_DISAGREEMENTS.
  it.each(Object.entries(KNOWN_DISAGREEMENTS))('%s still disagrees (%s)', (id) => {
    const v = verdicts.get(id)!;
    expect(v.agrees, `${id} now agrees with the server: remove it from KNOWN_DISAGREEMENTS`).toBe(false);
    expect(v.reasons.some((r) => r.startsWith('setup failed') || r.startsWith('example not compared'))).toBe(false);
  });
});
