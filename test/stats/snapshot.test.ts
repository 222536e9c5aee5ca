// `pgsafe stats` against a real throwaway Postgres, with a password-protected role.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { BINARIES, cliArgs, ROOT } from '../replay/helpers.js';
import type { StatsSnapshot } from '../../src/stats/snapshot.js';

const USER = 'stats_reader_u';
const PASSWORD = 'Pw_9f3kQz7xL';
const DATA = 'data-value-7731';

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [...cliArgs(), ...args], { env: { ...process.env, ...env, DATABASE_URL: '' }, cwd: ROOT });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b) => (stdout += b));
    c.stderr.on('data', (b) => (stderr += b));
    c.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('pgsafe stats (real Postgres, password auth)', () => {
  let cluster: LocalCluster;
  let admin: pg.Client;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    admin = new pg.Client(cluster.clientConfig());
    await admin.connect();
    await admin.query(`
      CREATE ROLE ${USER} LOGIN PASSWORD '${PASSWORD}';
      CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric);
      CREATE INDEX orders_customer_idx ON orders (customer, (lower(customer)));
      INSERT INTO orders SELECT g, '${DATA}' || g, g * 1.5 FROM generate_series(1, 20000) g;
      CREATE TABLE quiet (id int);
      CREATE TABLE never_analysed (id int);`);
    await admin.query('VACUUM ANALYZE orders');
    await admin.query('VACUUM ANALYZE quiet');
    // Password auth for everyone but the superuser the test uses.
    writeFileSync(path.join(cluster.dir, 'pg_hba.conf'), `local all postgres trust\nlocal all all scram-sha-256\n`);
    await admin.query('SELECT pg_reload_conf()');
    url = `postgresql://${USER}:${PASSWORD}@/postgres?host=${encodeURIComponent(cluster.dir)}`;
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-stats-test-'));
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a valid snapshot with sizes, indexes and sampled traffic, and no secret or data; takes only ACCESS SHARE', async () => {
    const out = path.join(dir, 'snap.json');
    // Traffic during the sample, and an observer of the stats session's locks.
    const writer = new pg.Client(cluster.clientConfig());
    const observer = new pg.Client(cluster.clientConfig());
    await writer.connect();
    await observer.connect();
    let stop = false;
    const writes = (async () => {
      for (let i = 0; !stop; i++) await writer.query('UPDATE orders SET total = total + 1 WHERE id = $1', [1 + (i % 1000)]);
    })();
    const modes = new Set<string>();
    let polls = 0;
    const watch = (async () => {
      while (!stop) {
        const r = await observer.query(`SELECT l.locktype, l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = 'pgsafe stats'`);
        polls++;
        for (const x of r.rows) if (x.locktype === 'relation') modes.add(x.mode);
      }
    })();
    const r = await run(['stats', '--database-url', url, '-o', out, '--sample', '1s']);
    stop = true;
    await writes;
    await watch;
    await writer.end();
    await observer.end();
    expect(r.stderr).toContain('wrote');
    expect(r.code).toBe(0);
    expect(polls).toBeGreaterThan(10);
    expect([...modes].every((m) => m === 'AccessShareLock')).toBe(true);

    const text = readFileSync(out, 'utf8');
    for (const secret of [PASSWORD, USER, DATA, cluster.dir, 'postgresql://']) expect(text).not.toContain(secret);
    const snap = JSON.parse(text) as StatsSnapshot;
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'pgsafe-stats.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(snap), JSON.stringify(validate.errors)).toBe(true);
    expect(snap.pgsafeStats).toBe(1);
    expect(snap.server.major).toBe(BINARIES.major);
    expect(snap.server.maxConnections).toBe(40);
    const orders = snap.tables.find((t) => t.name === 'orders')!;
    expect(orders.schema).toBe('public');
    expect(orders.rows).toBe(20000);
    expect(orders.heapBytes).toBeGreaterThan(20000 * 30);
    expect(orders.indexes.map((i) => i.name).sort()).toEqual(['orders_customer_idx', 'orders_pkey']);
    expect(orders.indexes.find((i) => i.name === 'orders_customer_idx')!.columns).toEqual(['customer', null]);
    expect(orders.indexBytes).toBe(orders.indexes.reduce((a, i) => a + i.bytes, 0));
    expect(orders.traffic!.writesPerSec).toBeGreaterThan(10);
    expect(snap.tables.find((t) => t.name === 'quiet')!.traffic!.writesPerSec).toBe(0);
    expect(snap.tables.find((t) => t.name === 'never_analysed')!.rows).toBeNull();
  }, 60_000);

  it('needs no lock on user tables: succeeds while another session holds ACCESS EXCLUSIVE on all of them', async () => {
    const holder = new pg.Client(cluster.clientConfig());
    await holder.connect();
    await holder.query('BEGIN; LOCK TABLE orders, quiet, never_analysed IN ACCESS EXCLUSIVE MODE');
    try {
      const r = await run(['stats', '--database-url', url, '-o', '-', '--sample', '0']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as StatsSnapshot).tables.map((t) => t.name).sort()).toEqual(['never_analysed', 'orders', 'quiet']);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  }, 60_000);

  it('runs read-only: the session refuses writes', async () => {
    const { openSession } = await import('../../src/stats/connect.js');
    const c = await openSession(url);
    try {
      await expect(c.query('CREATE TABLE nope (id int)')).rejects.toThrow(/read-only transaction/);
      expect((await c.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('500ms');
      expect((await c.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('5s');
    } finally {
      await c.end();
    }
  });

  it('fails cleanly on a wrong password: one line, exit 2, password masked', async () => {
    const wrong = 'Wr0ng_pw_zz81';
    const r = await run(['stats', '--database-url', url.replace(PASSWORD, wrong), '-o', path.join(dir, 'x.json')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^pgsafe: stats: cannot connect: password authentication failed/);
    expect(r.stderr).not.toContain(wrong);
  });

  it('fails cleanly on a wrong host, with the password masked even where the message echoes the URL', async () => {
    const r = await run(['stats', '--database-url', `postgres://someone:${PASSWORD}@nonexistent-host.invalid:5432/db`, '--sample', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^pgsafe: stats: cannot connect: .*(ENOTFOUND|EAI_AGAIN|getaddrinfo)/);
    expect(r.stderr).not.toContain(PASSWORD);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['stats'])).code).toBe(2);
    expect((await run(['stats', '--database-url', url, '--sample', 'often'])).stderr).toMatch(/--sample/);
    expect((await run(['stats', 'frobnicate', '--database-url', url])).code).toBe(2);
  });
});
