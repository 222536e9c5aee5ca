// The one schema reducer (src/analysis/reducer.ts): what lint and the rollback check both see.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer, runStatements } from '../../src/analysis/analyzer.js';
import { initParser, parseSource } from '../../src/source/index.js';

beforeAll(() => initParser());

function schemaAfter(sql: string) {
  const a = new Analyzer({ pgVersion: 15, assumeInTransaction: false });
  a.beginFile('m.sql');
  runStatements(a, parseSource(sql).statements);
  return a.schema;
}

const BASE = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint);\n';

describe('schema reducer', () => {
  it("names an unnamed index as Postgres does (every column)", () => {
    expect([...schemaAfter(`${BASE}CREATE INDEX ON users (email, id);`).indexes.keys()]).toEqual(['public.users_email_id_idx']);
  });
  it('carries a column rename into indexes and constraints', () => {
    const s = schemaAfter(`${BASE}CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nALTER TABLE users RENAME COLUMN email TO mail;`);
    expect(s.indexes.get('public.users_email_idx')?.columns).toEqual(['mail']);
    expect(s.table({ name: 'users', key: 'public.users', sql: 'users' })?.constraints.get('users_email_key')?.columns).toEqual(['mail']);
  });
  it('carries a table rename into its indexes', () => {
    const s = schemaAfter(`${BASE}CREATE INDEX users_email_idx ON users (email);\nALTER TABLE users RENAME TO people;`);
    expect(s.indexes.get('public.users_email_idx')?.table.key).toBe('public.people');
  });
  it('drops the indexes and constraints that use a dropped column', () => {
    const s = schemaAfter(`${BASE}CREATE INDEX users_email_idx ON users (email);\nCREATE INDEX users_lower ON users (lower(email));\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nALTER TABLE users DROP COLUMN email;`);
    expect([...s.indexes.keys()]).toEqual([]);
    expect(s.table({ name: 'users', key: 'public.users', sql: 'users' })?.constraints.has('users_email_key')).toBe(false);
  });
  it('renames an index (ALTER INDEX … RENAME)', () => {
    const s = schemaAfter(`${BASE}CREATE INDEX users_email_idx ON users (email);\nALTER INDEX users_email_idx RENAME TO users_mail_idx;`);
    expect([...s.indexes.keys()]).toEqual(['public.users_mail_idx']);
  });
  it('drops an enum with DROP TYPE and places ADD VALUE … BEFORE', () => {
    expect(schemaAfter("CREATE TYPE mood AS ENUM ('a', 'c');\nALTER TYPE mood ADD VALUE 'b' BEFORE 'c';").enums.get('public.mood')?.values).toEqual(['a', 'b', 'c']);
    expect(schemaAfter("CREATE TYPE mood AS ENUM ('a');\nDROP TYPE mood;").enums.size).toBe(0);
  });
  it('records SET DEFAULT and DROP DEFAULT', () => {
    const col = (sql: string) => schemaAfter(`${BASE}${sql}`).table({ name: 'users', key: 'public.users', sql: 'users' })?.columns.get('email');
    expect(col("ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';")?.hasDefault).toBe(true);
    expect(col("ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';\nALTER TABLE users ALTER COLUMN email DROP DEFAULT;")?.hasDefault).toBe(false);
  });
  it('drops partitions with their parent', () => {
    const s = schemaAfter("CREATE TABLE ev (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nDROP TABLE ev;");
    expect([...s.tables.keys()]).toEqual([]);
  });
});
