import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/replay/format.js';
import { tempMigrations, statementsOf as statements, PROVIDER, replay } from './helpers.js';

// Real Postgres: what a replay does when the history does not apply cleanly (hatchet's Go migration) and when a
// framework's transaction refuses a pending statement (crates-io's CREATE INDEX CONCURRENTLY without metadata.toml).
const mk = tempMigrations();

describe('replay: a history that does not apply cleanly', () => {
  // 002 stands for a step that was a Go migration: the SQL after it expects a table it would have created.
  const files = {
    '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY, n int);\n',
    '002_b.sql': 'ALTER TABLE made_by_go RENAME TO b;\nCREATE INDEX a_n_idx ON a (n);\n',
    '003_c.sql': 'ALTER TABLE a ADD COLUMN note text;\n',
  };

  it('by default a failing base statement is skipped with a warning; the rest of the history applies and the pending file runs on seeded data', async () => {
    const dir = mk(files);
    const logs: string[] = [];
    const r = await replay({ paths: [dir], rows: 500, maxBlockingMs: 1000, provider: PROVIDER, seedCache: false, log: (m) => logs.push(m) });
    expect(r.baseFailures).toEqual([expect.objectContaining({ path: expect.stringMatching(/002_b\.sql$/), line: 1, code: '42P01' })]);
    expect(r.notes[0]).toMatch(/^the history did not apply cleanly: 1 base statement\(s\) in 1 file\(s\) failed and were skipped \(.*002_b\.sql:1:1: relation "made_by_go" does not exist\).*--schema.*--strict-base/);
    expect(logs.join('\n')).toMatch(/warning: 1 base statement\(s\) failed and were skipped/);
    // The statement after the failing one in the same file did apply: the index is there.
    const [s] = statements(r);
    expect(s.error).toBeUndefined();
    expect(r.seed?.tables).toEqual([expect.objectContaining({ table: 'a', rows: 500 })]);
    expect(formatReport(r, 'pretty')).toMatch(/note: the history did not apply cleanly/);
  }, 60_000);

  it('--strict-base stops at the failing base statement with a usage error naming it', async () => {
    const dir = mk(files);
    await expect(replay({ paths: [dir], rows: 100, maxBlockingMs: 1000, provider: PROVIDER, seedCache: false, strictBase: true })).rejects.toThrow(
      /^base migration failed: .*002_b\.sql:1:1: relation "made_by_go" does not exist \(--strict-base/,
    );
  }, 60_000);

  it('a base statement the server rejects as a syntax error is its version, not a missing step: it stops with a --pg-version hint', async () => {
    const dir = mk({
      '001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY, n int, m int GENERATED ALWAYS AS (n) STORED);\n',
      '002_b.sql': 'ALTER TABLE a ALTER COLUMN m SET EXPRESSION AS (n * 2);\n',
      '003_c.sql': 'ALTER TABLE a ADD COLUMN note text;\n',
    });
    await expect(replay({ paths: [dir], rows: 100, maxBlockingMs: 1000, provider: PROVIDER, seedCache: false })).rejects.toThrow(/^base migration failed: .*002_b\.sql:1:1: .*rerun with --pg-version <major>\)$/);
  }, 60_000);

  it('a pending statement that fails on what the history left out says the history may be at fault', async () => {
    const dir = mk({ ...files, '003_c.sql': 'ALTER TABLE b ADD COLUMN note text;\n' });
    const r = await replay({ paths: [dir], rows: 100, maxBlockingMs: 1000, provider: PROVIDER, seedCache: false });
    const [s] = statements(r);
    expect(s.error?.code).toBe('42P01');
    expect(s.notes).toEqual(expect.arrayContaining([expect.stringMatching(/^this may be the history's fault, not this migration's: 1 base statement\(s\) failed/)]));
  }, 60_000);
});

describe('replay: a statement the framework\'s transaction refuses', () => {
  const diesel = (extra: Record<string, string> = {}) => mk({
    '2024-01-01-000000_users/up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, username text NOT NULL);\n',
    '2024-02-01-000000_username_index/up.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_username_idx ON users (lower(username));\n',
    ...extra,
  });

  it('diesel without metadata.toml: fails as diesel would, and the note says how to opt out and how to replay it so', async () => {
    const r = await replay({ paths: [diesel()], framework: 'diesel', rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.error?.code).toBe('25001');
    expect(s.notes).toEqual(expect.arrayContaining([expect.stringMatching(/refuses this statement inside a transaction block\. diesel runs each migration in a transaction: add `metadata\.toml` containing `run_in_transaction = false`.*pass --no-assume-in-transaction/)]));
  }, 60_000);

  it('diesel with metadata.toml run_in_transaction = false: runs outside a transaction, end to end', async () => {
    const r = await replay({ paths: [diesel({ '2024-02-01-000000_username_index/metadata.toml': 'run_in_transaction = false\n' })], framework: 'diesel', rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.error).toBeUndefined();
    expect(s.mode).toBe('outside-transaction');
    expect(r.files[0].statements.some((x) => x.sql === 'BEGIN')).toBe(false);
  }, 60_000);

  it('--no-assume-in-transaction runs the file outside a transaction whatever the framework says', async () => {
    const r = await replay({ paths: [diesel()], framework: 'diesel', assumeInTransaction: false, rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.error).toBeUndefined();
    expect(s.mode).toBe('outside-transaction');
  }, 60_000);
});
