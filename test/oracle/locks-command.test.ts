// `pgsafe locks`: the JSON interface other tools read (a stable shape) and the text for people.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLocks } from '../../src/cli/locks.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-locks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, '001_base.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);\n');
writeFileSync(
  path.join(dir, '002_change.sql'),
  [
    'BEGIN;',
    'ALTER TABLE orders ALTER COLUMN total TYPE bigint;',
    '  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    'COMMIT;',
    'CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);',
    'CREATE TABLE notes (id int);',
    'ALTER TABLE notes ADD COLUMN body text DEFAULT random()::text;',
    '',
  ].join('\n'),
);

async function run(args: string[], format: string) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string | Uint8Array) => (stdout += String(s)) }, stderr: { write: (s: string | Uint8Array) => (stderr += String(s)) }, stdin: (async function* () {})(), cwd: process.cwd(), env: process.env };
  const code = await runLocks(args, { format, config: false }, io);
  return { code, stdout, stderr };
}

describe('pgsafe locks', () => {
  it('prints the documented JSON: locks per relation with role, cost, rewrites, scans, blocks, transaction', async () => {
    const { code, stdout } = await run([dir], 'json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.version).toBe(1);
    const change = out.statements.filter((s: any) => s.path.endsWith('002_change.sql'));
    expect(change.map((s: any) => s.kind)).toEqual(['TransactionStmt', 'AlterTableStmt', 'AlterTableStmt', 'TransactionStmt', 'IndexStmt', 'CreateStmt', 'AlterTableStmt']);
    const [, typeChange, fk, , cic, , newTable] = change;
    expect(typeChange).toEqual({
      path: expect.stringMatching(/002_change\.sql$/), line: 2, column: 1, endLine: 2, endColumn: 50, kind: 'AlterTableStmt', inTransaction: true,
      locks: [{ relation: 'public.orders', mode: 'AccessExclusiveLock', role: 'target' }],
      cost: 'rewrite', rewrites: ['public.orders'], scans: ['public.orders'], blocks: { reads: true, writes: true },
    });
    expect(Object.keys(typeChange)).toEqual(['path', 'line', 'column', 'endLine', 'endColumn', 'kind', 'inTransaction', 'locks', 'cost', 'rewrites', 'scans', 'blocks']);
    expect(fk).toMatchObject({ line: 3, column: 3, locks: [{ relation: 'public.orders', mode: 'ShareRowExclusiveLock', role: 'target' }, { relation: 'public.users', mode: 'ShareRowExclusiveLock', role: 'referenced' }], cost: 'scan', rewrites: [], blocks: { reads: false, writes: true } });
    expect(cic).toMatchObject({ inTransaction: false, locks: [{ relation: 'public.orders', mode: 'ShareUpdateExclusiveLock', role: 'target' }], cost: 'index-build', blocks: { reads: false, writes: false } });
    // A table created in the same file: its lock is marked new and blocks no one (its relfilenode still changes).
    expect(newTable).toMatchObject({ locks: [{ relation: 'public.notes', mode: 'AccessExclusiveLock', role: 'target', isNew: true }], rewrites: ['public.notes'], blocks: { reads: false, writes: false } });
  });

  it('prints text for people', async () => {
    const { code, stdout } = await run([path.join(dir, '001_base.sql'), path.join(dir, '002_change.sql')], 'text');
    expect(code).toBe(0);
    expect(stdout).toContain('002_change.sql:2:1  AlterTableStmt  in a transaction');
    expect(stdout).toMatch(/public\.orders\s+ACCESS EXCLUSIVE\s+target\s+blocks reads and writes/);
    expect(stdout).toContain('cost: rewrite; rewrites public.orders; scans public.orders; blocks reads and writes');
    expect(stdout).toMatch(/public\.users\s+SHARE ROW EXCLUSIVE\s+referenced\s+blocks writes/);
  });

  it('reports a statement it could not analyse as such, with exit code 1', async () => {
    writeFileSync(path.join(dir, 'bad.sql'), 'SELEC 1;\n');
    const { code, stdout, stderr } = await run([path.join(dir, 'bad.sql')], 'json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).statements[0]).toMatchObject({ kind: 'SyntaxError', locks: [], unanalyzed: expect.stringMatching(/^syntax error/) });
    expect(stderr).toBe('');
  });

  it('refuses an unknown format', async () => {
    await expect(run([dir], 'yaml')).rejects.toThrow(/--format: expected text or json/);
  });
});
