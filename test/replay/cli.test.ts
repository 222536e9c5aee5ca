import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgs, clusterDirsOf, migrations, removeDir, serversOf, PROVIDER } from './helpers.js';
import { runCli } from '../helpers/cli.js';
import { sleep } from '../../src/replay/util.js';
import { sweepStaleClusters } from '../../src/replay/cluster.js';

const BASE = `CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, balance int NOT NULL DEFAULT 0, created_at timestamptz);\n`;

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-seed-cache-test-'));
const env = { ...process.env, NO_COLOR: '1', PGSAFE_SEED_CACHE_DIR: cacheDir };

/** `pgsafe replay …` in this process, through main(argv, io). */
const run = (args: string[], cwd: string) => runCli(['replay', ...args], { cwd, env });

/** The built CLI as a process: for exit codes and signals. */
function runProcess(args: string[], cwd: string) {
  const r = spawnSync('node', [...cliArgs(), 'replay', ...args], { cwd, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, pid: r.pid };
}

describe('pgsafe replay (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = migrations({
      'migrations/001_accounts.sql': BASE,
      'migrations/002_index.sql': `CREATE INDEX accounts_email_idx ON accounts (email);\n`,
      'migrations/003_column.sql': `ALTER TABLE accounts ADD COLUMN note text;\n`,
      'bad/001.sql': `CREATE TABLE t (id int);\n`,
      'bad/002.sql': `ALTER TABLE t ADD COLUMN;\n`,
    });
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(cacheDir);
  });

  it('prints the JSON shape of issue 4; lint findings replay confirms decide the exit code', async () => {
    const r = await run(['migrations', '--pending', '002_*.sql', '--rows', '30000', '--format', 'json'], dir);
    expect(r.stderr.replace(/^progress: .*\n/gm, '')).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.server).toEqual(expect.objectContaining({ version: expect.stringMatching(/^\d+\.\d+/), provider: PROVIDER }));
    // 002 and everything after it are pending; 001 is the base.
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['migrations/002_index.sql', 'migrations/003_column.sql']);
    const s = out.files[0].statements[0];
    expect(s).toEqual(
      expect.objectContaining({
        line: 1,
        sql: 'CREATE INDEX accounts_email_idx ON accounts (email)',
        durationMs: expect.any(Number),
        locks: expect.arrayContaining([{ relation: 'accounts', mode: 'ShareLock' }]),
        rewrites: [],
        scans: [expect.objectContaining({ relation: 'accounts', seqScans: 1 })],
        blocked: expect.objectContaining({ readsMs: expect.any(Number), writesMs: expect.any(Number) }),
      }),
    );
    expect(out.seed.tables).toEqual([{ table: 'accounts', rows: 30000 }]);
    expect(out.seed.warnings).toEqual([]);
    // Nothing blocked past 1000 ms, but the non-concurrent index build that lint flags is confirmed.
    expect(out.findings.filter((f: { rule: string }) => f.rule === 'replay-blocking')).toEqual([]);
    expect(s.static).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'require-concurrent-index-creation', verdict: 'confirmed' })]));
    expect(out.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'require-concurrent-index-creation', severity: 'error', line: 1 })]));
  });

  it('exits 1 with a finding when a statement blocks longer than --max-blocking (as a process)', () => {
    const r = runProcess(['migrations', '--pending', '002_*.sql', '--rows', '100k', '--max-blocking', '5'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/002_index\.sql:1:1: error `CREATE INDEX` blocked writes for [\d.]+ m?s on "accounts" at 100,000 rows \(limit 5 ms\); it took ShareLock on "accounts" \[replay-blocking\]/);
  });

  it('a second run with the same schema and rows reuses the seeded cluster', async () => {
    const entries = () => readdirSync(cacheDir).filter((n) => n.endsWith('.json')).length;
    const before = entries();
    const first = JSON.parse((await run(['migrations', '--pending', '003_*.sql', '--rows', '25000', '-f', 'json'], dir)).stdout);
    expect(first.seed.cached).toBeUndefined();
    expect(entries()).toBe(before + 1);
    const second = JSON.parse((await run(['migrations', '--pending', '003_*.sql', '--rows', '25000', '-f', 'json'], dir)).stdout);
    expect(second.seed).toEqual(expect.objectContaining({ cached: true, totalRows: first.seed.totalRows, tables: first.seed.tables }));
    // Same observations on the cached data: the base (001, 002) is there, with its index.
    expect(second.files[0].statements[0].locks).toEqual(first.files[0].statements[0].locks);
    const third = JSON.parse((await run(['migrations', '--pending', '003_*.sql', '--rows', '25000', '--no-seed-cache', '-f', 'json'], dir)).stdout);
    expect(third.seed.cached).toBeUndefined();
  });

  it('markdown output is a table per file; exit 0 when nothing blocks and lint has no confirmed error', async () => {
    const r = await run(['migrations', '--rows', '1000', '--format', 'markdown'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| line | statement | time | locks | held from earlier | rewrite | scan | blocked |');
    expect(r.stdout).toMatch(/\| 1 \| `ALTER TABLE accounts ADD COLUMN note text` \| .* \| AccessExclusive\(accounts\) \|/);
    expect(r.stdout.split('\n')[2]).toMatch(/^\*\*✅ No statement blocked reads or writes for more than 1.00 s/);
  });

  it.each([
    [['migrations', '--rows', 'lots'], /^pgsafe replay: --rows: expected a number such as 100000 or 1M, got "lots"\n$/],
    [['migrations', '--format', 'xml'], /^pgsafe replay: --format: expected pretty, json, markdown or html, got "xml"\n$/],
    [['nowhere'], /^pgsafe replay: cannot read nowhere: no such file or directory\n$/],
    [['migrations', '--pending', 'nomatch*.sql'], /^pgsafe replay: no pending migration: nothing matched --pending nomatch\*\.sql\n$/],
    [['bad'], /^pgsafe replay: bad\/002\.sql:1:\d+: .*syntax error.*\n$/],
    [['migrations', '--rows-for', 'accounts'], /^pgsafe replay: --rows-for: expected table=N, got "accounts"\n$/],
  ])('usage errors exit 2 with one line: %j', async (args, expected) => {
    const r = await run(args, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(expected);
    expect(r.stdout).toBe('');
  });

  it('never prints a connection-string password', async () => {
    const r = await run(['migrations', '--database-url', 'postgres://admin:hunter2-secret@127.0.0.1:1/app'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^pgsafe replay: error: .*cannot connect to postgres:\/\/admin:\*+@127\.0\.0\.1:1\/app: connect ECONNREFUSED/);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
    const s = await run(['migrations', '--stats-from', 'postgres://admin:hunter2-secret@127.0.0.1:1/app'], dir);
    expect(s.code).toBe(2);
    expect(s.stderr + s.stdout).not.toContain('hunter2');
  });

  it('SIGINT while seeding stops the server and removes its dir', async () => {
    const child = spawn('node', [...cliArgs(), 'replay', 'migrations', '--rows', '20000000'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until its server is up (a postgres process in a dir named after the CLI's pid), then interrupt.
    const deadline = Date.now() + 60_000;
    while (serversOf(child.pid!).length === 0 && Date.now() < deadline) await sleep(50);
    expect(serversOf(child.pid!).length).toBeGreaterThan(0);
    await sleep(500);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(stderr).not.toMatch(/Error|at /);
    expect(serversOf(child.pid!)).toEqual([]);
    expect(clusterDirsOf(child.pid!)).toEqual([]);
  }, 90_000);

  it.skipIf(process.platform !== 'linux')('SIGKILL: the server dies with pgsafe (pdeathsig) and the next start sweeps its dir', async () => {
    const child = spawn('node', [...cliArgs(), 'replay', 'migrations', '--rows', '20000000'], { cwd: dir, env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (serversOf(child.pid!).length === 0 && Date.now() < deadline) await sleep(50);
    expect(serversOf(child.pid!).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await exited;
    for (let i = 0; i < 100 && serversOf(child.pid!).length > 0; i++) await sleep(50);
    expect(serversOf(child.pid!)).toEqual([]);
    expect(clusterDirsOf(child.pid!)).toHaveLength(1);
    await sweepStaleClusters();
    expect(clusterDirsOf(child.pid!)).toEqual([]);
  }, 90_000);

  it('--help lists the options of issue 4', async () => {
    const r = await run(['--help'], dir);
    for (const opt of ['--schema', '--pending', '--changed-since', '--rows', '--rows-for', '--stats-from', '--format', '--max-blocking', '--simulate-long-transaction', '--assume-in-transaction', '--database-url', '--pg-version']) {
      expect(r.stdout).toContain(opt);
    }
  });
});
