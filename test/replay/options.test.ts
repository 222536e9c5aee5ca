import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { ReplayUsageError } from '../../src/replay/util.js';
import { scratchDatabaseName, sweepScratchDatabases } from '../../src/replay/providers.js';
import { tempMigrations, PROVIDER, BINARIES, replay } from './helpers.js';

const mk = tempMigrations();

describe('replay options (real Postgres)', () => {
  it('--schema loads pg_dump -s output (psql meta-commands, an emptied search_path) before the base migrations', async () => {
    const dir = mk({
      'schema.sql': `--\n-- PostgreSQL database dump\n--\n\\restrict abc123\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.users (id bigint NOT NULL, email text);\nALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n\\unrestrict abc123\n`,
      'm/001.sql': `CREATE INDEX users_email_idx ON users (email);\n`,
      'm/002.sql': `ALTER TABLE users ADD COLUMN name text;\n`,
    });
    const report = await replay({ paths: [path.join(dir, 'm')], schema: path.join(dir, 'schema.sql'), rows: 5000, maxBlockingMs: 1000, provider: PROVIDER });
    expect(report.base.files.map((f) => path.basename(f))).toEqual(['001.sql']);
    expect(report.seed?.tables).toEqual([expect.objectContaining({ table: 'users', rows: 5000 })]);
    expect(report.files[0].statements[0].locks).toEqual([{ relation: 'users', mode: 'AccessExclusiveLock' }]);
  }, 60_000);

  it('--changed-since picks the files changed since a git ref', async () => {
    const dir = mk({ 'm/001.sql': `CREATE TABLE t (id int PRIMARY KEY);\n`, 'm/002.sql': `ALTER TABLE t ADD COLUMN a int;\n` });
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    writeFileSync(path.join(dir, 'm', '003.sql'), `ALTER TABLE t ADD COLUMN b int;\n`);
    writeFileSync(path.join(dir, 'm', '004.sql'), `ALTER TABLE t ADD COLUMN c int;\n`);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const report = await replay({ paths: ['m'], changedSince: 'HEAD', rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
      expect(report.files.map((f) => f.path)).toEqual(['m/003.sql', 'm/004.sql']);
      expect(report.base.files).toEqual(['m/001.sql', 'm/002.sql']);
      await expect(replay({ paths: ['m'], changedSince: 'no-such-ref', rows: 1000, maxBlockingMs: 1000 })).rejects.toThrow(ReplayUsageError);
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);

  it('--assume-in-transaction wraps each file: CONCURRENTLY fails as it would under the framework', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY, a int);\n`, '002.sql': `CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n` });
    const report = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 1000, assumeInTransaction: true, provider: PROVIDER });
    const [begin, cic] = report.files[0].statements;
    expect(begin.mode).toBe('transaction-control');
    expect(cic.error?.code).toBe('25001');
    expect(cic.inTransaction).toBe(true);
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'replay-statement-failed', severity: 'error' })]));
    // Without the wrapper it runs on its own, outside a transaction.
    const plain = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
    expect(plain.files[0].statements[0].mode).toBe('outside-transaction');
    expect(plain.files[0].statements[0].error).toBeUndefined();
  }, 60_000);

  describe('--stats-from', () => {
    let real: LocalCluster;
    beforeAll(async () => {
      real = await startCluster({ binaries: BINARIES });
      const c = new pg.Client(real.clientConfig());
      await c.connect();
      await c.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 4321); CREATE TABLE users (id int PRIMARY KEY); ANALYZE`);
      await c.end();
    }, 60_000);
    afterAll(() => real?.stop());

    it('sweeps scratch databases of killed runs: over an hour old and no session (issue 15, bug 7)', async () => {
      const c = new pg.Client(real.clientConfig());
      await c.connect();
      try {
        const old = scratchDatabaseName(Date.now() - 2 * 3_600_000);
        const fresh = scratchDatabaseName();
        await c.query(`CREATE DATABASE ${old}`);
        await c.query(`CREATE DATABASE ${fresh}`);
        await c.query(`CREATE DATABASE pgsafe_replay_user_named`);
        expect(await sweepScratchDatabases(c)).toEqual([old]);
        const left = (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'pgsafe_replay%' ORDER BY 1`)).rows.map((r) => r.datname);
        expect(left).toEqual([fresh, 'pgsafe_replay_user_named'].sort());
      } finally {
        await c.end();
      }
    });

    it('takes row counts from pg_class.reltuples; --rows-for still wins', async () => {
      const dir = mk({ '001.sql': `CREATE TABLE orders (id int PRIMARY KEY);\nCREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE other (id int PRIMARY KEY);\n`, '002.sql': `ALTER TABLE orders ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\n` });
      const url = `postgres://postgres:pw@localhost/postgres?host=${encodeURIComponent(real.dir)}`;
      const report = await replay({ paths: [dir], statsFrom: url, rowsFor: { users: 7 }, rows: 100, maxBlockingMs: 1000, provider: PROVIDER });
      const rows = Object.fromEntries(report.seed!.tables.map((t) => [t.table, t.rows]));
      // other is not touched by 002: schema only.
      expect(rows).toEqual({ orders: 4321, users: 7, other: 0 });
      expect(report.seed!.tables.filter((t) => t.schemaOnly).map((t) => t.table)).toEqual(['other']);
    }, 60_000);
  });
});
