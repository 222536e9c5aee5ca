// The real round trip on a throwaway Postgres started from local binaries, against the static round trip on the same
// fixtures: both must report the same problems (kind, object, problem) for each scenario.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLocalBinaries } from '../../src/replay/binaries.js';
import { startServer, type ReplayServer } from '../../src/replay/providers.js';
import { listClusterDirs } from '../../src/replay/cluster.js';
import { initParser } from '../../src/source/index.js';
import { Command } from 'commander';
import { addCheckRollback, checkRollback, formatRollback, formatRollbackJson, formatRollbackText, mergeRollbackJson, type RollbackReport } from '../../src/replay/roundtrip.js';
import { staticRoundTripFiles } from '../../src/rollback/static.js';

const DIR = 'fixtures/rollback/roundtrip';
const BASE = `${DIR}/000001_base.up.sql`;
const up = (s: string) => `${DIR}/${s}/000002_${s}.up.sql`;
const down = (s: string) => `${DIR}/${s}/000002_${s}.down.sql`;

/** Per scenario: the problems both round trips must find after down, and whether `up` fails when run again. */
const SCENARIOS: Record<string, { issues: string[]; upAgainFails?: RegExp; upAgainDiffers?: string[] }> = {
  pass: { issues: [] },
  'forgets-column': { issues: ['column users.phone not-undone'], upAgainFails: /column "phone" of relation "users" already exists/ },
  'wrong-index': { issues: ['index idx_a changed'] },
  'type-not-restored': { issues: ['column users.age changed'] },
  'enum-value': { issues: ['enum mood changed'], upAgainFails: /enum label "angry" already exists/ },
  'constraint-swap': { issues: ['constraint users_email_key not-restored', 'constraint users_email_check created-extra'], upAgainFails: /constraint "users_email_key" of relation "users" does not exist/ },
  'table-left': { issues: ['table audit not-undone'], upAgainFails: /relation "audit" already exists/ },
  'not-null-left': { issues: ['column users.age changed'] },
  // Postgres facts the lint model needs help with: a partial index goes with the column its predicate uses, columns
  // follow a renamed type, ADD VALUE … BEFORE/AFTER places the value.
  'partial-index': { issues: [] },
  'enum-swap': { issues: [] },
  'enum-swap-wrong-order': { issues: ['enum mood changed'], upAgainDiffers: ['enum mood changed'] },
};

const key = (i: { kind: string; name: string; problem: string }) => `${i.kind} ${i.name} ${i.problem}`;

describe('addCheckRollback', () => {
  it('adds --check-rollback to a command', () => {
    const seen: unknown[] = [];
    const cmd = addCheckRollback(new Command('replay').argument('[paths...]').action((_p, o) => { seen.push(o); })).exitOverride();
    cmd.parse(['node', 'replay', 'a.sql', '--check-rollback']);
    expect(seen).toEqual([{ checkRollback: true }]);
  });
});

describe('static round trip on the fixtures', () => {
  beforeAll(() => initParser());
  it.each(Object.entries(SCENARIOS))('%s', (name, want) => {
    const text = (p: string) => ({ path: p, text: readFileSync(p, 'utf8') });
    const st = staticRoundTripFiles([text(BASE)], text(up(name)), text(down(name)), { pgVersion: 15, assumeInTransaction: false });
    expect(st.issues.map(key).sort()).toEqual([...want.issues].sort());
  });
});

const binaries = await findLocalBinaries();

describe.skipIf(!binaries)('real round trip on a throwaway cluster (local binaries)', () => {
  let server: ReplayServer;
  let admin: pg.Client;
  const reports = new Map<string, RollbackReport>();

  beforeAll(async () => {
    server = (await startServer({ provider: 'local' })).server;
    admin = new pg.Client(server.clientConfig());
    await admin.connect();
    // One cluster, one fresh database per scenario: CREATE DATABASE is ~20x cheaper than a cluster start.
    for (const name of Object.keys(SCENARIOS)) {
      const db = `rt_${name.replace(/-/g, '_')}`;
      await admin.query(`CREATE DATABASE ${db}`);
      const scoped: ReplayServer = { ...server, database: db, clientConfig: (d = db) => server.clientConfig(d), dispose: async () => {} };
      reports.set(name, await checkRollback({ paths: [BASE, up(name)], server: scoped }));
    }
  }, 60_000);

  afterAll(async () => {
    await admin?.end();
    await server?.dispose();
  });

  it.each(Object.entries(SCENARIOS))('%s: replay finds what the static round trip finds', (name, want) => {
    const r = reports.get(name)!;
    expect(r.files).toHaveLength(1);
    const f = r.files[0];
    expect(f.issues.filter((i) => i.after === 'down').map(key).sort()).toEqual([...want.issues].sort());
    expect(f.disagreements).toEqual({ replayOnly: [], staticOnly: [] });
    expect(f.steps.map((s) => s.step)).toEqual(['up', 'down', 'up-again']);
    const again = f.steps[2];
    if (want.upAgainFails) {
      expect(again.error?.message).toMatch(want.upAgainFails);
      expect(r.findings.some((x) => x.rule === 'rollback-statement-failed' && x.message.startsWith('the up migration, run again after down, failed'))).toBe(true);
    } else {
      expect(again.error).toBeUndefined();
      // up again leaves the catalog the first up left, unless down left it different
      expect(f.issues.filter((i) => i.after === 'up-again').map(key)).toEqual(want.upAgainDiffers ?? []);
    }
    expect(r.findings.filter((x) => x.rule === 'rollback-round-trip')).toHaveLength(want.issues.length + (want.upAgainDiffers?.length ?? 0));
  });

  it('names objects in its messages, as the static round trip does', () => {
    expect(reports.get('forgets-column')!.files[0].issues[0].message).toBe('down does not drop column "users"."phone" added by up');
    expect(reports.get('wrong-index')!.files[0].issues[0].message).toBe('down recreates index "idx_a" on (email, age) but up dropped one on (email)');
    expect(reports.get('type-not-restored')!.files[0].issues[0].message).toBe('down does not restore column "users"."age" changed by up: it is left type int8, was int4');
    const text = formatRollbackText(reports.get('pass')!);
    expect(text).toContain('✔ the catalog after down matches the catalog before up, and up runs again to the same catalog');
    expect(JSON.parse(formatRollbackJson(reports.get('table-left')!)).rollback.findings.map((x: { rule: string }) => x.rule)).toEqual(['rollback-statement-failed', 'rollback-round-trip']);
  });

  it('formats for the replay command: markdown, and JSON merged into the replay report', () => {
    const r = reports.get('forgets-column')!;
    const md = formatRollback(r, 'markdown');
    expect(md).toContain('| `fixtures/rollback/roundtrip/forgets-column/000002_forgets-column.up.sql` | `000002_forgets-column.down.sql` |');
    expect(md).toContain('down does not drop column "users"."phone" added by up');
    const merged = JSON.parse(mergeRollbackJson(JSON.stringify({ version: 1, findings: [] }), r));
    expect(merged.findings).toEqual([]);
    expect(merged.rollback.files[0].issues[0].message).toBe('down does not drop column "users"."phone" added by up');
    expect(formatRollback(r, 'pretty')).toBe(formatRollbackText(r));
  });

  it('a failing down statement is reported with its position and stops the round trip', async () => {
    await admin.query('CREATE DATABASE rt_failing_down');
    const scoped: ReplayServer = { ...server, database: 'rt_failing_down', clientConfig: (d = 'rt_failing_down') => server.clientConfig(d), dispose: async () => {} };
    const r = await checkRollback({ paths: [BASE, 'fixtures/rollback/golang-migrate/000002_add_phone.up.sql'], server: scoped });
    // that down drops the index CONCURRENTLY and forgets the column; it runs, so no failure: the column is reported
    expect(r.files[0].issues.map(key)).toEqual(['column users.phone not-undone']);
    await admin.query('CREATE DATABASE rt_failing_down2');
    const scoped2: ReplayServer = { ...scoped, database: 'rt_failing_down2', clientConfig: (d = 'rt_failing_down2') => server.clientConfig(d) };
    const r2 = await checkRollback({ paths: [`${DIR}/failing-down/000002_failing-down.up.sql`], server: scoped2 });
    const f = r2.files[0];
    expect(f.steps.map((s) => [s.step, !!s.error])).toEqual([['up', false], ['down', true]]);
    expect(r2.findings).toEqual([
      { path: `${DIR}/failing-down/000002_failing-down.down.sql`, line: 2, column: 1, rule: 'rollback-statement-failed', severity: 'error', message: 'the down migration failed on a throwaway database: table "no_such_table" does not exist (SQLSTATE 42P01)' },
    ]);
  });

  it('a failing statement with a literal secret: the secret is in no format of the report', async () => {
    await admin.query('CREATE DATABASE rt_secret');
    const scoped: ReplayServer = { ...server, database: 'rt_secret', clientConfig: (d = 'rt_secret') => server.clientConfig(d), dispose: async () => {} };
    const r = await checkRollback({ paths: [`${DIR}/secret-fails/000002_secret-fails.up.sql`], server: scoped });
    expect(r.files[0].steps[0].error?.message).toBe('server "no_such_server" does not exist');
    expect(r.files[0].steps[0].error?.sql).toContain("password '************'");
    for (const format of ['pretty', 'json', 'markdown']) expect(formatRollback(r, format)).not.toContain('Rt-secret-77');
  });

  it('starts its own cluster when given none, and leaves no cluster directory behind', async () => {
    // Other processes on the machine start and stop clusters in the same directory: look at ours only.
    const ours = async () => (await listClusterDirs()).filter((d) => d.includes(`-${process.pid}-`));
    const before = await ours();
    const t0 = performance.now();
    const r = await checkRollback({ paths: [BASE, up('pass')], provider: 'local' });
    const ms = performance.now() - t0;
    expect(r.files[0].issues).toEqual([]);
    expect(r.server.provider).toBe('local');
    expect(ms).toBeLessThan(30_000);
    expect(await ours()).toEqual(before);
  }, 60_000);
});
