import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess as run, tmp, ROOT } from '../helpers/cli.js';
import { LspClient } from '../lsp/client.js';
import { InputTooLarge, MAX_INPUT_BYTES, readCapped } from '../../src/source/read.js';

const dirs: string[] = [];
const dir = (files: Record<string, string>) => {
  const d = tmp(files);
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) {
    spawnSync('chmod', ['-R', 'u+rwx', d]);
    rmSync(d, { recursive: true, force: true });
  }
});

describe('inputs that stall or mislead (issue 17 §4, issue 16 §2 and §4)', () => {
  it('/dev/zero and a FIFO are refused with one line and exit 2, without reading them', () => {
    const r = run(['lint', '--no-config', '/dev/zero']);
    expect([r.code, r.stderr.trim()]).toEqual([2, 'pgsafe: cannot read /dev/zero: not a regular file (pgsafe reads files, directories and - for stdin)']);
    const d = dir({});
    spawnSync('mkfifo', [join(d, 'pipe.sql')]);
    const f = run(['lint', '--no-config', join(d, 'pipe.sql')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('not a regular file');
  });

  it('input over the size limit is refused, naming the limit', async () => {
    async function* chunks() {
      const mb = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i <= MAX_INPUT_BYTES / mb.length; i++) yield mb;
    }
    await expect(readCapped(chunks(), 'stdin')).rejects.toThrow(InputTooLarge);
    await expect(readCapped(chunks(), 'stdin')).rejects.toThrow(/128 MB limit/);
  });

  it('a directory walk follows symlinks to files, stops at link loops, and names what it skipped', () => {
    const d = dir({ 'm/001_a.sql': 'DROP TABLE a;\n', 'm/locked/002_b.sql': 'DROP TABLE b;\n', 'elsewhere/003_c.sql': 'DROP TABLE c;\n' });
    symlinkSync(join(d, 'elsewhere/003_c.sql'), join(d, 'm/003_c.sql'));
    symlinkSync('..', join(d, 'm/locked/loop'));
    symlinkSync('nowhere.sql', join(d, 'm/004_broken.sql'));
    spawnSync('mkfifo', [join(d, 'm/005_fifo.sql')]);
    const r = run(['lint', '--no-config', '--format', 'json', 'm'], { cwd: d });
    expect(r.code).toBe(1);
    const paths = JSON.parse(r.stdout).files.map((f: any) => f.path);
    expect(paths).toEqual(['m/001_a.sql', 'm/003_c.sql', 'm/locked/002_b.sql']);
    expect(r.stderr).toContain('m/004_broken.sql: skipped, a broken symbolic link');
    expect(r.stderr).toContain('m/005_fifo.sql: skipped, not a regular file');
    expect(r.stderr).toMatch(/m\/locked\/loop: skipped, a symbolic link loop/);
  });

  // Root reads any directory, so as root the CLI runs as nobody: that needs a checkout nobody can read (a CI clone
  // under a 0700 directory is not). Elsewhere it runs as the user.
  const asNobody = process.getuid?.() === 0;
  const runnable = !asNobody || spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'dist/bundle/main.cjs'))}, 4)`]).status === 0;
  it.runIf(runnable)('an unreadable subdirectory is named, and the rest is linted', () => {
    const d = dir({ 'm/001_a.sql': 'DROP TABLE a;\n', 'm/locked/002_b.sql': 'DROP TABLE b;\n' });
    chmodSync(join(d, 'm/locked'), 0o000);
    // Root reads any directory: run as nobody then.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) spawnSync('chmod', ['-R', 'a+rX', d]), chmodSync(join(d, 'm/locked'), 0o000), chmodSync(d, 0o755);
    const args = [process.execPath, join(ROOT, 'bin/pgsafe.js'), 'lint', '--no-config', '--format', 'gcc', 'm'];
    const r = asRoot ? spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...args], { cwd: d, encoding: 'utf8' }) : spawnSync(args[0], args.slice(1), { cwd: d, encoding: 'utf8' });
    expect(r.stderr).toContain('pgsafe: m/locked: skipped, cannot read the directory (permission denied)');
    expect(r.stderr).not.toContain('internal error');
    expect(r.stdout).toContain('m/001_a.sql:1:1: error');
    expect(r.status).toBe(1);
  });

  it('config include globs that leave the config directory are refused', () => {
    const d = dir({ 'pgsafe.config.json': JSON.stringify({ include: ['/**/*.sql'] }), 'm/001.sql': 'SELECT 1;\n' });
    const r = run(['lint'], { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is outside the config file\'s directory');
    const up = dir({ 'pgsafe.config.json': JSON.stringify({ include: ['../**/*.sql'] }) });
    expect(run(['lint'], { cwd: up }).code).toBe(2);
    const ok = dir({ 'pgsafe.config.json': JSON.stringify({ include: ['m/*.sql'] }), 'm/001.sql': 'DROP TABLE t;\n' });
    expect(run(['lint', '--format', 'gcc'], { cwd: join(ok, 'm') }).stdout).toContain('ban-drop-table');
  });

  it('--fix with - never writes a file, not even the down migration paired with --stdin-filename', () => {
    const down = 'DROP INDEX users_email_idx;\n';
    const d = dir({ 'migrations/001_x.down.sql': down, 'migrations/001_x.up.sql': 'SELECT 1;\n' });
    const r = run(['lint', '--no-config', '--fix-unsafe', '--stdin-filename', 'migrations/001_x.up.sql', '-'], { cwd: d, input: 'CREATE INDEX users_email_idx ON users (email);\n' });
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toContain('CONCURRENTLY');
    expect(readFileSync(join(d, 'migrations/001_x.down.sql'), 'utf8')).toBe(down);
    expect(readFileSync(join(d, 'migrations/001_x.up.sql'), 'utf8')).toBe('SELECT 1;\n');
  });
});

describe('section markers of another framework, or unknown ones (issue 16 §3)', () => {
  it('hide no statement, and are named as not understood', () => {
    const d = dir({
      '001_goose.sql': '-- +goose Up\nCREATE TABLE t (id bigint);\n-- +goose Down\nDROP TABLE users;\n',
      '002_dbmate.sql': '-- migrate:up\nCREATE TABLE u (id bigint);\n-- migrate:down\nDROP TABLE accounts;\n',
      '003_unknown.sql': '-- +goose Up\nCREATE TABLE v (id bigint);\n-- +goose Sideways\nDROP TABLE orders;\n',
    });
    const drops = (fw: string) => {
      const r = run(['lint', '--no-config', '--framework', fw, '--format', 'json', '001_goose.sql', '002_dbmate.sql', '003_unknown.sql'], { cwd: d });
      const files = JSON.parse(r.stdout).files;
      return { stderr: r.stderr, drops: files.flatMap((f: any) => f.findings.filter((x: any) => x.rule === 'ban-drop-table').map((x: any) => `${f.path.split('/').pop()}:${x.line}`)) };
    };
    const dbmate = drops('dbmate');
    expect(dbmate.drops).toEqual(expect.arrayContaining(['001_goose.sql:4', '002_dbmate.sql:4', '003_unknown.sql:4']));
    expect(dbmate.stderr).toContain('001_goose.sql: line 3: `-- +goose Down` is a goose marker, not understood under the dbmate preset');
    const goose = drops('goose');
    expect(goose.drops).toEqual(expect.arrayContaining(['001_goose.sql:4', '002_dbmate.sql:4', '003_unknown.sql:4']));
    expect(goose.stderr).toContain('002_dbmate.sql: line 3: `-- migrate:down` is a dbmate marker, not understood under the goose preset');
    expect(goose.stderr).toContain('003_unknown.sql: line 3: `-- +goose Sideways` is not a goose directive pgsafe knows');
  });
});

describe('the language server under malformed input', () => {
  it('recovers after a malformed header, a lying Content-Length and bad JSON; NUL hides nothing', async () => {
    const client = new LspClient(process.execPath, ['bin/pgsafe.js', 'lsp', '--stdio'], ROOT);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 10 } });
      client.notify('initialized', {});
      client.proc.stdin.write('Content-Lenght: 12\r\n\r\n{"x": 1}\r\n');
      client.proc.stdin.write('Content-Length: 99999\r\n\r\n{"jsonrpc":"2.0"}');
      client.proc.stdin.write('Content-Length: 5\r\n\r\n{nope');
      client.proc.stdin.write('garbage without any header at all\r\n\r\n');
      const text = 'SELECT 1;\u0000\nDROP TABLE t;\n';
      client.notify('textDocument/didOpen', { textDocument: { uri: 'untitled:nul', languageId: 'sql', version: 1, text } });
      const p = await client.waitFor<any>('textDocument/publishDiagnostics', (x) => x.uri === 'untitled:nul', 15_000);
      expect(p.diagnostics.map((d: any) => d.code)).toContain('ban-drop-table');
      const h = await client.request('textDocument/hover', { textDocument: { uri: 'untitled:nul' }, position: { line: 1, character: 3 } });
      expect(h).toBeTruthy();
    } finally {
      client.proc.kill();
    }
  });
});

describe('the language server under stress (issue 16, Build)', () => {
  it('answers through unknown methods, edits to unopened documents, 1,000 rapid edits and requests after shutdown', async () => {
    const client = new LspClient(process.execPath, ['bin/pgsafe.js', 'lsp', '--stdio'], ROOT);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 50 } });
      client.notify('initialized', {});
      await expect(client.request('pgsafe/noSuchMethod', {})).rejects.toThrow(/-32601/);
      client.notify('$/noSuchNotification', {});
      client.notify('textDocument/didChange', { textDocument: { uri: 'untitled:never-opened', version: 2 }, contentChanges: [{ text: 'DROP TABLE t;' }] });
      const uri = 'untitled:rapid';
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text: '' } });
      for (let v = 2; v <= 1001; v++) client.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: `SELECT ${v};\nDROP TABLE t${v};\n` }] });
      const last = await client.waitFor<any>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1001, 30_000);
      expect(last.diagnostics.some((d: any) => d.code === 'ban-drop-table' && /t1001/.test(d.message))).toBe(true);
      await client.request('shutdown', null);
      // After shutdown it still answers (a result or an error), and never hangs.
      const after = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } }).then(() => 'answered', () => 'answered');
      expect(after).toBe('answered');
      client.notify('exit', null);
      const { code } = await client.exited;
      expect(code).toBe(0);
    } finally {
      if (client.proc.exitCode === null) client.proc.kill();
    }
  }, 60_000);
});
