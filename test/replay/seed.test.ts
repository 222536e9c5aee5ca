import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { seedDatabase, type SeedResult } from '../../src/replay/seed.js';
import { copyPipe } from '../../src/replay/copy-pipe.js';
import { clusterDirsOf, BINARIES } from './helpers.js';

const SCHEMA = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE TABLE orgs (id serial PRIMARY KEY, name varchar(8) NOT NULL UNIQUE, slug text NOT NULL);
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id int NOT NULL REFERENCES orgs (id),
  email text NOT NULL UNIQUE,
  mood mood NOT NULL,
  score positive,
  balance numeric(8, 2),
  token uuid NOT NULL UNIQUE,
  tags text[],
  meta jsonb,
  born date,
  seen timestamptz,
  flag boolean,
  raw bytea,
  lower_email text GENERATED ALWAYS AS (lower(email)) STORED,
  CHECK (balance >= 0)
);
CREATE INDEX users_seen_idx ON users (seen);
CREATE TABLE tree (id int PRIMARY KEY, parent_id int REFERENCES tree (id), x int CHECK (x < 0));
CREATE TABLE empty_one (id int PRIMARY KEY);
CREATE TABLE roles (code text PRIMARY KEY, label text);
INSERT INTO roles VALUES ('admin', 'Admin'), ('member', 'Member'), ('guest', 'Guest');
CREATE TABLE grants (id int PRIMARY KEY, role text NOT NULL REFERENCES roles (code));
`;

describe('seeding from the catalog (real Postgres, COPY pipe)', () => {
  let cluster: LocalCluster;
  let client: pg.Client;
  let result: SeedResult;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    client = new pg.Client(cluster.clientConfig());
    await client.connect();
    await client.query(SCHEMA);
    result = await seedDatabase(client, {
      rows: 30_000,
      rowsFor: { orgs: 50, 'public.empty_one': 0 },
      superuser: true,
      connect: async () => {
        const c = new pg.Client(cluster.clientConfig());
        await c.connect();
        return c;
      },
    });
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
    expect(clusterDirsOf(process.pid)).toEqual([]);
  });

  const one = async (sql: string) => (await client.query(sql)).rows[0];

  it('fills each table with the requested rows, parents first', () => {
    expect(result.tables.map((t) => [t.table, t.rows])).toEqual([
      ['grants', 30_000],
      ['orgs', 50],
      ['tree', 30_000],
      ['users', 30_000],
      ['empty_one', 0],
      ['roles', 3],
    ]);
    expect(result.tables.find((t) => t.table === 'roles')?.prefilled).toBe(true);
    expect(result.totalRows).toBe(90_050);
  });

  it('keeps the rows the base migrations inserted, and points foreign keys at them', async () => {
    expect((await client.query(`SELECT code FROM roles ORDER BY code`)).rows.map((r) => r.code)).toEqual(['admin', 'guest', 'member']);
    expect(await one(`SELECT count(DISTINCT role)::int AS n, count(*)::int AS total FROM grants`)).toEqual({ n: 3, total: 30_000 });
  });

  it('re-adds every index and constraint, and foreign keys validate against the generated rows', async () => {
    expect((await one(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype IN ('p','u','f','c') AND NOT convalidated`)).n).toBe(0);
    const idx = (await client.query(`SELECT indexrelid::regclass::text AS i FROM pg_index WHERE indrelid = 'users'::regclass ORDER BY 1`)).rows.map((r) => r.i);
    expect(idx).toEqual(['users_email_key', 'users_pkey', 'users_seen_idx', 'users_token_key']);
    expect((await one(`SELECT count(*)::int AS n FROM users u LEFT JOIN orgs o ON o.id = u.org_id WHERE o.id IS NULL`)).n).toBe(0);
    expect((await one(`SELECT count(DISTINCT org_id)::int AS n FROM users`)).n).toBe(50);
  });

  it('values fit types, enums, domains, generated and identity columns', async () => {
    const u = await one(`SELECT * FROM users ORDER BY id DESC LIMIT 1`);
    expect(u.id).toBe('30000');
    expect(['sad', 'ok', 'happy']).toContain(u.mood);
    expect(u.score).toBeGreaterThan(0);
    expect(u.lower_email).toBe(u.email.toLowerCase());
    expect(u.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(Array.isArray(u.tags)).toBe(true);
    expect((await one(`SELECT count(DISTINCT mood)::int AS n FROM users`)).n).toBe(3);
    // identity and serial sequences continue after the generated rows
    expect((await one(`INSERT INTO users (org_id, email, mood, token) VALUES (1, 'new@example.com', 'ok', gen_random_uuid()) RETURNING id`)).id).toBe('30001');
    expect((await one(`INSERT INTO orgs (name, slug) VALUES ('n', 's') RETURNING id`)).id).toBe(51);
  });

  it('a self-reference forms a tree; a CHECK the values break keeps its declared validated state', async () => {
    expect((await one(`SELECT count(*)::int AS n FROM tree c JOIN tree p ON p.id = c.parent_id`)).n).toBe(30_000);
    expect((await one(`SELECT convalidated FROM pg_constraint WHERE conname = 'tree_x_check'`)).convalidated).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/^tree: loaded with generated values that violate CHECK tree_x_check/)]);
  });

  it('leaves statistics and a vacuumed table behind', async () => {
    expect((await one(`SELECT reltuples::int AS n FROM pg_class WHERE relname = 'users'`)).n).toBe(30_000);
    expect((await one(`SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'users'`)).n).toBeGreaterThan(5);
  });
});

describe('COPY pipe between two sessions', () => {
  let cluster: LocalCluster;
  let a: pg.Client;
  let b: pg.Client;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    a = new pg.Client(cluster.clientConfig());
    b = new pg.Client(cluster.clientConfig());
    await a.connect();
    await b.connect();
    await a.query(`CREATE TABLE p (id int, v text); CREATE TABLE q (id int CHECK (id < 1000), v text)`);
  }, 60_000);
  afterAll(async () => {
    await a?.end();
    await b?.end();
    await cluster?.stop();
  });

  it('moves every row, byte for byte', async () => {
    await copyPipe(a, b, `SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g`, 'COPY p (id, v) FROM STDIN');
    const r = (await a.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, bool_and(v = repeat(md5(id::text), 3)) AS ok FROM p`)).rows[0];
    expect(r).toEqual({ n: 200000, d: 200000, ok: true });
  });

  it('a source that fails half-way aborts the load; both sessions stay usable', async () => {
    await a.query('TRUNCATE p');
    await expect(copyPipe(a, b, `SELECT g, (1 / (100000 - g))::text FROM generate_series(1, 200000) g`, 'COPY p (id, v) FROM STDIN')).rejects.toThrow(/division by zero/);
    expect((await a.query('SELECT count(*)::int AS n FROM p')).rows[0].n).toBe(0);
    expect((await b.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('a target that refuses the rows fails with its own error; both sessions stay usable', async () => {
    await expect(copyPipe(a, b, `SELECT g, 'x' FROM generate_series(1, 300000) g`, 'COPY q (id, v) FROM STDIN')).rejects.toThrow(/violates check constraint/);
    expect((await a.query('SELECT count(*)::int AS n FROM q')).rows[0].n).toBe(0);
    expect((await b.query('SELECT 2 AS two')).rows[0].two).toBe(2);
  });
});

describe('seeding keys that real schemas mix (issue 15, bug 5)', () => {
  let cluster: LocalCluster;
  let client: pg.Client;
  let result: SeedResult;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    client = new pg.Client(cluster.clientConfig());
    await client.connect();
    await client.query(`
      CREATE TABLE big_parent (id bigint PRIMARY KEY);
      CREATE TABLE int_child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES big_parent (id));
      CREATE TABLE users (uuid varchar(40) PRIMARY KEY);
      CREATE TABLE devices (uuid char(36) PRIMARY KEY, user_uuid char(36) NOT NULL REFERENCES users (uuid));
      CREATE TABLE plans (id int PRIMARY KEY);
      CREATE TABLE settings (plan_id int PRIMARY KEY REFERENCES plans (id), v text);
      CREATE TABLE customers (id int PRIMARY KEY);
      CREATE TABLE orders (id int PRIMARY KEY, buyer int NOT NULL);
      CREATE TABLE invoices (id int PRIMARY KEY, customer_id int);
      CREATE TABLE shapes (id int PRIMARY KEY, r int4range NOT NULL);`);
    result = await seedDatabase(client, {
      rows: 500,
      rowsFor: { plans: 5, customers: 10 },
      superuser: true,
      plannedFks: [{ table: 'orders', columns: ['buyer'], refTable: 'customers' }],
    });
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });
  const one = async (sql: string) => (await client.query(sql)).rows[0];

  it('an int foreign key into a bigint key, and char(36) into varchar(40), load and validate', async () => {
    const rows = Object.fromEntries(result.tables.map((t) => [t.table, t.rows]));
    expect(rows).toEqual(expect.objectContaining({ int_child: 500, devices: 500, users: 500 }));
    expect((await one(`SELECT count(*)::int AS n FROM pg_constraint WHERE contype IN ('p', 'f') AND NOT convalidated`)).n).toBe(0);
    expect((await one(`SELECT count(*)::int AS n FROM devices d JOIN users u ON u.uuid = d.user_uuid`)).n).toBe(500);
  });

  it('a key that is also a foreign key into a small table caps the table, and its primary key is back', async () => {
    expect(result.tables.find((t) => t.table === 'settings')).toEqual(expect.objectContaining({ rows: 5, warning: expect.stringContaining('capped at 5 rows: its key (plan_id) references plans') }));
    expect((await one(`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'settings'::regclass AND contype = 'p'`)).n).toBe(1);
  });

  it('columns a pending ADD FOREIGN KEY names, and `<table>_id` columns, point at rows the parent has', async () => {
    await client.query(`ALTER TABLE orders ADD FOREIGN KEY (buyer) REFERENCES customers (id)`);
    await client.query(`ALTER TABLE invoices ADD FOREIGN KEY (customer_id) REFERENCES customers (id)`);
    expect((await one(`SELECT count(DISTINCT buyer)::int AS n FROM orders`)).n).toBe(10);
  });

  it('a NOT NULL column of a type without a generator gets a fallback value; no touched table is left empty', async () => {
    expect(result.tables.find((t) => t.table === 'shapes')).toEqual(expect.objectContaining({ rows: 500, warning: expect.stringContaining('no generator for the type of r') }));
    expect(result.tables.filter((t) => t.rows === 0)).toEqual([]);
  });
});
