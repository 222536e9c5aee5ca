// Facts behind issue 10's disagreement classes that depend on the file's context (session settings, the
// other subcommands of one ALTER TABLE, what the schema model knows). The oracle proves each row on a server.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { initParser, parseSource } from '../../src/source/index.js';

beforeAll(() => initParser());

const SETUP = `CREATE TABLE users (id bigint PRIMARY KEY, created timestamp);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
CREATE INDEX orders_user_idx ON orders (user_id);`;

function last(sql: string, pgVersion = 15) {
  const a = new Analyzer({ pgVersion, assumeInTransaction: false });
  a.beginFile('setup.sql');
  for (const s of parseSource(SETUP).statements) a.apply(a.analyse(s));
  a.beginFile('m.sql');
  const out = parseSource(sql).statements.map((s) => { const x = a.analyse(s); a.apply(x); return x; });
  const s = out.at(-1)!;
  return { cost: s.cost, locks: Object.fromEntries(s.locks.map((l) => [l.rel.name, `${l.mode}/${l.role}`])), scans: s.scans.map((r) => r.name), rewrites: s.rewrites.map((r) => r.name) };
}

describe('timestamp ↔ timestamptz and the session TimeZone', () => {
  const alter = 'ALTER TABLE users ALTER COLUMN created TYPE timestamptz';
  it('rewrites when the file does not set the TimeZone (the server default is unknown)', () => expect(last(alter).cost).toBe('rewrite'));
  it("keeps the values after SET timezone = 'UTC' / SET TIME ZONE 'UTC', on PG 12+", () => {
    expect(last(`SET timezone = 'UTC';\n${alter}`).cost).toBe('catalog');
    expect(last(`SET TIME ZONE 'Etc/UTC';\n${alter}`).cost).toBe('catalog');
    expect(last(`SET timezone = 'UTC';\n${alter} USING created`).cost).toBe('catalog');
    expect(last(`SET timezone = 'UTC';\n${alter}`, 11).cost).toBe('rewrite');
  });
  it('rewrites for another zone, after RESET, and for SET LOCAL outside a transaction', () => {
    expect(last(`SET timezone = 'Europe/Paris';\n${alter}`).cost).toBe('rewrite');
    expect(last(`SET timezone = 'UTC';\nRESET timezone;\n${alter}`).cost).toBe('rewrite');
    expect(last(`SET LOCAL timezone = 'UTC';\n${alter}`).cost).toBe('rewrite');
    expect(last(`BEGIN;\nSET LOCAL timezone = 'UTC';\n${alter}`).cost).toBe('catalog');
    expect(last(`SET timezone = 'UTC';\n${alter} USING created + interval '1 hour'`).cost).toBe('rewrite');
  });
});

describe('foreign keys on both sides', () => {
  it('DROP COLUMN of an FK column locks the referenced table', () => {
    expect(last('ALTER TABLE orders DROP COLUMN user_id').locks).toEqual({ orders: 'AccessExclusiveLock/target', users: 'AccessExclusiveLock/referenced' });
  });
  it('a rewriting type change of a referenced key locks and re-validates the referencing table', () => {
    const r = last('ALTER TABLE users ALTER COLUMN id TYPE int');
    expect(r.locks).toEqual({ users: 'AccessExclusiveLock/target', orders: 'AccessExclusiveLock/referencing' });
    expect(r.scans.sort()).toEqual(['orders', 'users']);
  });
  it('DROP TABLE … CASCADE locks the referencing tables; without CASCADE only the referenced ones', () => {
    expect(last('DROP TABLE users CASCADE').locks).toEqual({ users: 'AccessExclusiveLock/target', orders: 'AccessExclusiveLock/referencing' });
    expect(last('DROP TABLE orders').locks).toEqual({ orders: 'AccessExclusiveLock/target', users: 'AccessExclusiveLock/referenced' });
  });
  it('ADD COLUMN … REFERENCES is checked only when the same ALTER adds a default', () => {
    expect(last('ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users').cost).toBe('catalog');
    const both = last('ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users, ADD COLUMN n int DEFAULT 0');
    expect(both.cost).toBe('scan');
    expect(both.scans.sort()).toEqual(['orders', 'users']);
  });
  it('a foreign key from a table created in the file reads nothing of the referenced table', () => {
    expect(last('CREATE TABLE items (id int, user_id bigint);\nALTER TABLE items ADD FOREIGN KEY (user_id) REFERENCES users (id)').scans).toEqual(['items']);
  });
});

describe('indexes', () => {
  it('REINDEX TABLE locks every index the model knows, PRIMARY KEY included', () => {
    expect(last('REINDEX TABLE orders').locks).toEqual({ orders: 'ShareLock/target', orders_pkey: 'AccessExclusiveLock/index', orders_user_idx: 'AccessExclusiveLock/index' });
  });
  it('ALTER INDEX … RENAME locks only the index', () => {
    expect(last('ALTER INDEX orders_user_idx RENAME TO orders_buyer_idx').locks).toEqual({ orders_user_idx: 'ShareUpdateExclusiveLock/index' });
  });
});
