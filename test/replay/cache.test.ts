import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../src/replay/cluster.js';
import { pruneSeedCache } from '../../src/replay/seed-cache.js';
import { BINARIES, removeDir } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-cache-test-'));
afterAll(() => removeDir(dir));
const segments = (d: string) => readdirSync(path.join(d, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));

describe('seed cache (issue 15, bug 6)', () => {
  it('an entry keeps one WAL segment, not the recycled ones; it starts and holds the data; a second save of the key is a no-op', async () => {
    const cluster = await startCluster({ binaries: BINARIES });
    const entry = path.join(dir, 'seed-test');
    try {
      const c = new pg.Client(cluster.clientConfig());
      await c.connect();
      // About 60 MB of WAL: several segments, recycled after the checkpoint.
      await c.query(`CREATE TABLE t AS SELECT g AS id, repeat('x', 200) AS v FROM generate_series(1, 200000) g; CHECKPOINT; UPDATE t SET v = v || 'y'`);
      await c.end();
      await cluster.snapshotTo(entry);
      expect(segments(entry)).toHaveLength(1);
      await cluster.snapshotTo(entry);
    } finally {
      await cluster.stop();
    }
    const again = await startCluster({ binaries: BINARIES, fromDir: entry } as Parameters<typeof startCluster>[0]);
    try {
      const c = new pg.Client(again.clientConfig());
      await c.connect();
      expect((await c.query(`SELECT count(*)::int AS n FROM t WHERE v LIKE '%y'`)).rows[0].n).toBe(200000);
      await c.end();
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('sweeps the copies of interrupted saves whose process is gone', async () => {
    const dead = path.join(dir, 'seed-a.tmp-999999999-abcd');
    const mine = path.join(dir, `seed-b.tmp-${process.pid}-abcd`);
    mkdirSync(dead);
    mkdirSync(mine);
    await pruneSeedCache(dir);
    const left = readdirSync(dir);
    expect(left).not.toContain('seed-a.tmp-999999999-abcd');
    expect(left).toContain(`seed-b.tmp-${process.pid}-abcd`);
  });
});
