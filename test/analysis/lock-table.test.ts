// The analysis model's lock table, statement by statement. Facts from the manual's
// "Explicit Locking" page and each command's page, checked against a real PG 15
// in ../shared/notes/postgres-facts.md.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { initParser, parseSource } from '../../src/source/index.js';

beforeAll(() => initParser());

const SETUP = `
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), age int, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(10,2));
CREATE INDEX users_email_idx ON users (email);
`;

/** Analyses `sql` after SETUP (which ran in an earlier file, so its tables are existing, not new). */
function analyse(sql: string, pgVersion = 15) {
  const a = new Analyzer({ pgVersion, assumeInTransaction: false });
  a.beginFile('setup.sql');
  for (const s of parseSource(SETUP).statements) a.apply(a.analyse(s));
  a.beginFile('migration.sql');
  const out = [];
  for (const s of parseSource(sql).statements) {
    const r = a.analyse(s);
    a.apply(r);
    out.push(r);
  }
  return out;
}

function one(sql: string, pgVersion = 15) {
  const r = analyse(sql, pgVersion).at(-1)!;
  return {
    locks: Object.fromEntries(r.locks.map((l) => [l.rel.name, l.mode])),
    cost: r.cost,
    noTx: r.noTransaction,
    blocks: `${r.blocks.reads ? 'R' : '-'}${r.blocks.writes ? 'W' : '-'}`,
    unanalyzed: r.unanalyzed,
  };
}

type Row = [sql: string, locks: Record<string, string>, cost: string, blocks: string, pg?: number];

const TABLE: Row[] = [
  ['CREATE INDEX i ON users (age)', { users: 'ShareLock' }, 'index-build', '-W'],
  ['CREATE INDEX CONCURRENTLY i ON users (age)', { users: 'ShareUpdateExclusiveLock' }, 'index-build', '--'],
  ['DROP INDEX users_email_idx', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['DROP INDEX CONCURRENTLY users_email_idx', { users: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['ALTER TABLE users ADD COLUMN e int DEFAULT 0', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ADD COLUMN e int DEFAULT 0', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW', 10],
  ['ALTER TABLE users ADD COLUMN f float8 DEFAULT random()', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE users ADD COLUMN c timestamptz DEFAULT now()', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ADD COLUMN s bigserial', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE users ADD COLUMN g int GENERATED ALWAYS AS (age + 1) STORED', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE users ALTER COLUMN age TYPE bigint', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE users ALTER COLUMN email TYPE varchar(100)', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ALTER COLUMN email TYPE text', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ALTER COLUMN email TYPE varchar(20)', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)', { orders: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ALTER COLUMN age SET NOT NULL', { users: 'AccessExclusiveLock' }, 'scan', 'RW'],
  ['ALTER TABLE users ALTER COLUMN age DROP NOT NULL', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ALTER COLUMN age SET DEFAULT 1', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)', { orders: 'ShareRowExclusiveLock', users: 'ShareRowExclusiveLock' }, 'scan', '-W'],
  ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID', { orders: 'ShareRowExclusiveLock', users: 'ShareRowExclusiveLock' }, 'catalog', '-W'],
  ['ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0)', { users: 'AccessExclusiveLock' }, 'scan', 'RW'],
  ['ALTER TABLE users ADD CONSTRAINT c CHECK (age > 0) NOT VALID', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users VALIDATE CONSTRAINT c', { users: 'ShareUpdateExclusiveLock' }, 'scan', '--'],
  ['ALTER TABLE users ADD CONSTRAINT u UNIQUE (email)', { users: 'AccessExclusiveLock' }, 'index-build', 'RW'],
  ['ALTER TABLE users ADD CONSTRAINT u UNIQUE USING INDEX users_email_idx', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users DROP COLUMN name', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users RENAME COLUMN name TO full_name', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users RENAME TO people', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER INDEX users_email_idx RENAME TO users_email_key', { users_email_idx: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['ALTER INDEX users_email_idx RENAME TO users_email_key', { users_email_idx: 'AccessExclusiveLock' }, 'catalog', 'RW', 11],
  ['ALTER TABLE users SET (fillfactor = 70)', { users: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['ALTER TABLE users ALTER COLUMN age SET STATISTICS 500', { users: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['ALTER TABLE users SET LOGGED', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ALTER TABLE users DISABLE TRIGGER ALL', { users: 'ShareRowExclusiveLock' }, 'catalog', '-W'],
  ['ALTER TABLE users ENABLE ROW LEVEL SECURITY', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()', { users: 'ShareRowExclusiveLock' }, 'catalog', '-W'],
  ['COMMENT ON TABLE users IS \'people\'', { users: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['COMMENT ON COLUMN users.email IS \'x\'', { users: 'ShareUpdateExclusiveLock' }, 'catalog', '--'],
  ['TRUNCATE users', { users: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['DROP TABLE orders', { orders: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['VACUUM users', { users: 'ShareUpdateExclusiveLock' }, 'scan', '--'],
  ['VACUUM FULL users', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['ANALYZE users', { users: 'ShareUpdateExclusiveLock' }, 'scan', '--'],
  ['CLUSTER users USING users_email_idx', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['REINDEX TABLE users', { users: 'ShareLock', users_pkey: 'AccessExclusiveLock', users_email_idx: 'AccessExclusiveLock' }, 'index-build', 'RW'],
  ['REINDEX INDEX users_email_idx', { users: 'ShareLock', users_email_idx: 'AccessExclusiveLock' }, 'index-build', 'RW'],
  ['REINDEX INDEX users_pkey', { users: 'ShareLock', users_pkey: 'AccessExclusiveLock' }, 'index-build', 'RW'],
  ['REINDEX TABLE CONCURRENTLY users', { users: 'ShareUpdateExclusiveLock' }, 'index-build', '--'],
  ['REFRESH MATERIALIZED VIEW users', { users: 'AccessExclusiveLock' }, 'rewrite', 'RW'],
  ['REFRESH MATERIALIZED VIEW CONCURRENTLY users', { users: 'ExclusiveLock' }, 'rewrite', '-W'],
  ['LOCK TABLE users IN SHARE MODE', { users: 'ShareLock' }, 'none', '-W'],
  ['LOCK TABLE users', { users: 'AccessExclusiveLock' }, 'none', 'RW'],
  ['UPDATE users SET age = 1 WHERE id = 5', { users: 'RowExclusiveLock' }, 'none', '--'],
  ['UPDATE users SET age = 1', { users: 'RowExclusiveLock' }, 'scan', '--'],
  ['DELETE FROM orders', { orders: 'RowExclusiveLock' }, 'scan', '--'],
  ['INSERT INTO orders SELECT * FROM users', { orders: 'RowExclusiveLock', users: 'AccessShareLock' }, 'none', '--'],
  ['SELECT * FROM users JOIN orders ON true', { users: 'AccessShareLock', orders: 'AccessShareLock' }, 'none', '--'],
  ['ALTER TABLE users DETACH PARTITION orders', { users: 'AccessExclusiveLock', orders: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users DETACH PARTITION orders CONCURRENTLY', { users: 'ShareUpdateExclusiveLock', orders: 'AccessExclusiveLock' }, 'catalog', 'RW'],
  ['ALTER TABLE users ATTACH PARTITION orders FOR VALUES FROM (1) TO (10)', { users: 'ShareUpdateExclusiveLock', orders: 'AccessExclusiveLock' }, 'scan', 'RW'],
  ['ALTER TABLE users ATTACH PARTITION orders FOR VALUES FROM (1) TO (10)', { users: 'AccessExclusiveLock', orders: 'AccessExclusiveLock' }, 'scan', 'RW', 11],
  ['CREATE TABLE items (id int REFERENCES users (id))', { users: 'ShareRowExclusiveLock' }, 'catalog', '-W'],
  ['GRANT SELECT ON users TO reader', {}, 'catalog', '--'],
  ["ALTER TYPE mood ADD VALUE 'meh'", {}, 'catalog', '--'],
  ['CREATE EXTENSION IF NOT EXISTS pgcrypto', {}, 'catalog', '--'],
  ["SET lock_timeout = '2s'", {}, 'none', '--'],
];

describe('lock table', () => {
  it.each(TABLE)('%s', (sql, locks, cost, blocks, pg) => {
    const r = one(sql, pg ?? 15);
    expect({ locks: r.locks, cost: r.cost, blocks: r.blocks }).toEqual({ locks, cost, blocks });
    expect(r.unanalyzed).toBeUndefined();
  });
});

describe('statements that cannot run in a transaction', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY i ON users (age)', true],
    ['DROP INDEX CONCURRENTLY users_email_idx', true],
    ['REINDEX TABLE CONCURRENTLY users', true],
    ['VACUUM users', true],
    ['ALTER TABLE users DETACH PARTITION orders CONCURRENTLY', true],
    ['CREATE DATABASE x', true],
    ["ALTER TYPE mood ADD VALUE 'meh'", false],
    ['CREATE INDEX i ON users (age)', false],
  ] as const)('%s → %s', (sql, expected) => {
    expect(one(sql).noTx).toBe(expected);
  });
  it('ALTER TYPE … ADD VALUE cannot run in a transaction before PG 12', () => {
    expect(one("ALTER TYPE mood ADD VALUE 'meh'", 11).noTx).toBe(true);
  });
});

describe('SET NOT NULL with a validated CHECK (PG 12+)', () => {
  const sql = `
    ALTER TABLE users ADD CONSTRAINT users_age_nn CHECK (age IS NOT NULL) NOT VALID;
    ALTER TABLE users VALIDATE CONSTRAINT users_age_nn;
    ALTER TABLE users ALTER COLUMN age SET NOT NULL;`;
  it('is catalog-only on PG 12', () => expect(analyse(sql, 12).at(-1)!.cost).toBe('catalog'));
  it('still scans on PG 11', () => expect(analyse(sql, 11).at(-1)!.cost).toBe('scan'));
  it('still scans when the CHECK was never validated', () => {
    expect(analyse(sql.replace(/ALTER TABLE users VALIDATE[^;]*;/, ''), 15).at(-1)!.cost).toBe('scan');
  });
});

describe('transaction context and timeouts', () => {
  it('tracks BEGIN/COMMIT and the locks held so far', () => {
    const r = analyse(`BEGIN;
      ALTER TABLE users ADD COLUMN x int;
      UPDATE orders SET total = 0 WHERE id = 1;
      COMMIT;
      SELECT 1;`);
    expect(r.map((s) => s.tx.inTransaction)).toEqual([false, true, true, true, false]);
    expect(r[2].tx.held.map((l) => `${l.rel.name}:${l.mode}`)).toEqual(['users:AccessExclusiveLock']);
    expect(r[4].tx.held).toEqual([]);
  });
  it('knows SET, SET LOCAL and RESET of lock_timeout and statement_timeout', () => {
    const r = analyse(`SET lock_timeout = '2s';
      SELECT 1;
      BEGIN;
      SET LOCAL lock_timeout = 500;
      SET statement_timeout = '1min';
      SELECT 2;
      COMMIT;
      SELECT 3;
      RESET lock_timeout;
      SET statement_timeout = 0;
      SELECT 4;`);
    const t = (i: number) => [r[i].timeouts.lockTimeoutMs, r[i].timeouts.statementTimeoutMs];
    expect(t(1)).toEqual([2000, null]);
    expect(t(5)).toEqual([500, 60000]);
    expect(t(7)).toEqual([2000, 60000]);
    expect(t(10)).toEqual([null, null]);
  });
  it('treats tables created earlier in the same file as new', () => {
    const r = analyse('CREATE TABLE fresh (id int);\nCREATE INDEX fresh_idx ON fresh (id);');
    expect(r[1].locks[0]).toMatchObject({ isNew: true });
    expect(r[1].blocks).toEqual({ reads: false, writes: false });
  });
});

describe('unknown statements are never passed silently', () => {
  it('flags CALL as unanalyzed', () => {
    expect(one('CALL do_things()').unanalyzed).toMatch(/CALL/);
  });
});

describe('statement facts: roles, rewrites, scans, runtime', () => {
  const facts = (sql: string) => {
    const r = analyse(sql).at(-1)!;
    return {
      roles: Object.fromEntries(r.locks.map((l) => [l.rel.name, l.role])),
      rewrites: r.rewrites.map((x) => x.name),
      scans: r.scans.map((x) => x.name),
      runtime: r.runtime,
    };
  };
  type F = ReturnType<typeof facts>;
  it.each<[string, F]>([
    ['ALTER TABLE users ALTER COLUMN age TYPE bigint', { roles: { users: 'target' }, rewrites: ['users'], scans: ['users'], runtime: 'bounded' }],
    ['ALTER TABLE users ADD COLUMN e int DEFAULT 0', { roles: { users: 'target' }, rewrites: [], scans: [], runtime: 'instant' }],
    ['ALTER TABLE users ALTER COLUMN age SET NOT NULL', { roles: { users: 'target' }, rewrites: [], scans: ['users'], runtime: 'bounded' }],
    ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)', { roles: { orders: 'target', users: 'referenced' }, rewrites: [], scans: ['orders', 'users'], runtime: 'bounded' }],
    ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID', { roles: { orders: 'target', users: 'referenced' }, rewrites: [], scans: [], runtime: 'instant' }],
    ['CREATE INDEX i ON users (age)', { roles: { users: 'target' }, rewrites: [], scans: ['users'], runtime: 'bounded' }],
    ['CREATE INDEX CONCURRENTLY i ON users (age)', { roles: { users: 'target' }, rewrites: [], scans: ['users'], runtime: 'open-ended' }],
    ['INSERT INTO orders SELECT * FROM users', { roles: { orders: 'target', users: 'read' }, rewrites: [], scans: [], runtime: 'bounded' }],
    ['ALTER TABLE users ATTACH PARTITION orders FOR VALUES FROM (1) TO (10)', { roles: { users: 'target', orders: 'partition' }, rewrites: [], scans: ['orders'], runtime: 'bounded' }],
    ['CREATE TABLE items (id int REFERENCES users (id))', { roles: { users: 'referenced' }, rewrites: [], scans: [], runtime: 'instant' }],
    ['VACUUM', { roles: {}, rewrites: [], scans: [], runtime: 'open-ended' }],
    ['CALL do_things()', { roles: {}, rewrites: [], scans: [], runtime: 'open-ended' }],
    ['VACUUM FULL users', { roles: { users: 'target' }, rewrites: ['users'], scans: ['users'], runtime: 'bounded' }],
  ])('%s', (sql, want) => {
    expect(facts(sql)).toEqual(want);
  });
  it('a new table is instant to change', () => {
    expect(analyse('CREATE TABLE fresh (id int);\nALTER TABLE fresh ALTER COLUMN id TYPE bigint;').at(-1)!.runtime).toBe('instant');
  });
});
