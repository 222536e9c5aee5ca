// The CLI through main(argv, io): exit codes, formats, stdin, colour, rule listing (test/e2e/process.test.ts runs the built one).
import { describe, expect, it } from 'vitest';
import { runCli as run, tmp } from '../helpers/cli.js';

describe('pgsafe lint', () => {
  it('exits 1 on an unsafe migration and prints findings with snippets', async () => {
    const r = (await run(['lint', 'fixtures/plain/unsafe-add-index.sql']));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('fixtures/plain/unsafe-add-index.sql:2:1: error [require-concurrent-index-creation]');
    expect(r.stdout).toContain('2 | CREATE INDEX orders_user_id_idx ON orders (user_id);');
    expect(r.stdout).toContain('CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);');
    expect(r.stdout).toMatch(/✖ \d+ errors, \d+ warnings \(1 file, 3 statements\)/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('exits 0 on the safe version', async () => {
    const r = (await run(['lint', 'fixtures/plain/safe-add-index.sql']));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔ No problems (1 file, 9 statements)');
  });

  it('prints the documented JSON shape with 1-based positions', async () => {
    const r = (await run(['lint', '--format', 'json', 'fixtures/plain/unsafe-add-index.sql']));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.files[0].path).toBe('fixtures/plain/unsafe-add-index.sql');
    expect(out.files[0].findings.find((f: { rule: string }) => f.rule === 'require-concurrent-index-creation')).toEqual({
      rule: 'require-concurrent-index-creation', severity: 'error', line: 2, column: 1, endLine: 2, endColumn: 52,
      message: expect.stringContaining('"orders"'), help: expect.stringContaining('CONCURRENTLY'),
    });
    expect(out.summary).toMatchObject({ files: 1, statements: 3 });
    expect(out.summary.errors).toBe(out.files[0].findings.filter((f: { severity: string }) => f.severity === 'error').length);
  });

  it('reads stdin with - and names it with --stdin-filename', async () => {
    const r = (await run(['lint', '-', '--stdin-filename', 'db/001.sql', '--format', 'json'], { input: 'DROP TABLE users;\n' }));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files[0].path).toBe('db/001.sql');
    expect(out.files[0].findings.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['ban-drop-table', 'require-lock-timeout']));
  });

  it('honours --fail-on', async () => {
    const warnOnly = "ALTER TABLE users ADD COLUMN nickname text;\n";
    expect((await run(['lint', '-'], { input: warnOnly })).code).toBe(1);
    expect((await run(['lint', '-', '--fail-on', 'error'], { input: warnOnly })).code).toBe(0);
    expect((await run(['lint', '-', '--fail-on', 'never'], { input: 'DROP TABLE users;' })).code).toBe(0);
  });

  it('turns rules off and on with --disable/--enable', async () => {
    const sql = 'DROP TABLE users;';
    const rules = async (args: string[]) => JSON.parse((await run(['lint', '-', '--format', 'json', ...args], { input: sql })).stdout).files[0].findings.map((f: { rule: string }) => f.rule);
    expect((await rules([]))).toContain('ban-drop-table');
    expect((await rules(['--disable', 'ban-drop-table,require-lock-timeout']))).not.toEqual(expect.arrayContaining(['ban-drop-table']));
    expect((await rules(['--disable', 'ban-drop-table,require-lock-timeout']))).not.toContain('require-lock-timeout');
    // prefer-robust-stmts is opt-in: off by default, on with --enable.
    const two = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname);";
    const robust = async (args: string[]) => JSON.parse((await run(['lint', '-', '--format', 'json', ...args], { input: two })).stdout).files[0].findings.map((f: { rule: string }) => f.rule);
    expect((await robust([]))).not.toContain('prefer-robust-stmts');
    expect((await robust(['--enable', 'prefer-robust-stmts']))).toContain('prefer-robust-stmts');
    expect((await run(['lint', '-', '--fail-on', 'error', '--disable', 'ban-drop-table'], { input: sql })).code).toBe(0);
  });

  it('colours only when asked: FORCE_COLOR on, NO_COLOR wins', async () => {
    expect((await run(['lint', 'fixtures/plain/unsafe-add-index.sql'], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\x1b\[/);
    expect((await run(['lint', 'fixtures/plain/unsafe-add-index.sql'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout).not.toMatch(/\x1b\[/);
  });

  it('exits 2 with a one-line message on usage errors, without a stack trace', async () => {
    for (const args of [
      ['lint', '--enable', 'no-such-rule', 'fixtures/plain/safe-add-index.sql'],
      ['lint', 'does/not/exist.sql'],
      ['lint', '--pg-version', 'banana', 'fixtures/plain/safe-add-index.sql'],
      ['lint', '--format', 'xml', 'fixtures/plain/safe-add-index.sql'],
      ['lint', '--fail-on', 'sometimes', 'fixtures/plain/safe-add-index.sql'],
      ['lint'],
    ]) {
      const r = (await run(args));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^pgsafe: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await run(['bogus-command'])).code).toBe(2);
  });

  it('gives binary junk, invalid UTF-8 and empty files a defined result', async () => {
    const dir = tmp({
      'a.sql': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]),
      'b.sql': Buffer.from([0x53, 0x45, 0x4c, 0xc3, 0x28, 0x3b]),
      'c.sql': '',
      'd.sql': '-- nothing yet\n',
    });
    const r = (await run(['lint', dir, '--format', 'json']));
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const byName = Object.fromEntries(out.files.map((f: { path: string; findings: unknown[] }) => [f.path.split('/').pop(), f.findings]));
    expect(byName['a.sql']).toEqual([expect.objectContaining({ rule: 'syntax-error', line: 1, column: 1, message: 'not a text file: NUL byte at offset 4' })]);
    expect(byName['b.sql']).toEqual([expect.objectContaining({ rule: 'syntax-error', message: expect.stringContaining('not valid UTF-8') })]);
    expect(byName['c.sql']).toEqual([]);
    expect(byName['d.sql']).toEqual([]);
  });

  it('lints the rest of a file after a syntax error', async () => {
    const r = (await run(['lint', '-', '--format', 'json'], { input: 'ALTER TABLE users ADD COLUMN;\nDROP TABLE users;\n' }));
    const rules = JSON.parse(r.stdout).files[0].findings.map((f: { rule: string; line: number }) => `${f.rule}@${f.line}`);
    expect(rules[0]).toBe('syntax-error@1');
    expect(rules).toContain('ban-drop-table@2');
  });

  it('orders a directory in migration order and carries the schema across files', async () => {
    const dir = tmp({
      'V1_10__later.sql': 'SELECT 1;',
      'V1_2__create.sql': 'CREATE TABLE accounts (id bigint);',
      'V1_9__index.sql': 'CREATE INDEX accounts_id_idx ON accounts (id);',
      'nested/20240101000000_b.sql': 'SELECT 2;',
      'nested/9_a.sql': 'SELECT 3;',
    });
    const out = JSON.parse((await run(['lint', dir, '--format', 'json', '--fail-on', 'never'])).stdout);
    expect(out.files.map((f: { path: string }) => f.path.slice(dir.length + 1))).toEqual([
      'V1_2__create.sql', 'V1_9__index.sql', 'V1_10__later.sql', 'nested/9_a.sql', 'nested/20240101000000_b.sql',
    ]);
    // accounts was created by an earlier migration, so indexing it later is on an existing table.
    expect(out.files[1].findings.map((f: { rule: string }) => f.rule)).toContain('require-concurrent-index-creation');
  });

  it('expands globs', async () => {
    const dir = tmp({ 'm/1.sql': 'SELECT 1;', 'm/2.sql': 'SELECT 2;', 'm/readme.txt': 'x' });
    const out = JSON.parse((await run(['lint', 'm/*.sql', '--format', 'json'], { cwd: dir })).stdout);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['m/1.sql', 'm/2.sql']);
  });

  it('applies --pg-version', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN plan text DEFAULT \'free\';';
    const rules = async (v: string) => JSON.parse((await run(['lint', '-', '--format', 'json', '--pg-version', v], { input: sql })).stdout).files[0].findings.map((f: { rule: string }) => f.rule);
    expect((await rules('10'))).toContain('adding-field-with-default');
    expect((await rules('11'))).not.toContain('adding-field-with-default');
  });

  it('honours --assume-in-transaction', async () => {
    // Two statements: a file holding only CONCURRENTLY statements counts as a standalone migration (squawk's rule).
    const sql = "ALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);";
    const rules = async (extra: string[]) => JSON.parse((await run(['lint', '-', '--format', 'json', ...extra], { input: sql })).stdout).files[0].findings.map((f: { rule: string }) => f.rule);
    expect((await rules([]))).not.toContain('ban-concurrent-index-creation-in-transaction');
    expect((await rules(['--assume-in-transaction']))).toContain('ban-concurrent-index-creation-in-transaction');
  });
});

describe('pgsafe rules / explain', () => {
  it('lists rules as a table and as JSON', async () => {
    const t = (await run(['rules']));
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/require-concurrent-index-creation\s+lock\s+error/);
    const j = JSON.parse((await run(['rules', '--format', 'json'])).stdout);
    expect(j.find((r: { id: string }) => r.id === 'ban-drop-column')).toMatchObject({ category: 'compat', defaultSeverity: 'error', recommended: true });
  });
  it('explains a rule', async () => {
    const r = (await run(['explain', 'adding-field-with-default']));
    expect(r.code).toBe(0);
    for (const h of ['What it does:', 'Why is this bad?', 'Example:', 'Use instead:', 'https://www.postgresql.org/docs/']) expect(r.stdout).toContain(h);
  });
  it('exits 2 for an unknown rule', async () => {
    const r = (await run(['explain', 'nope']));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown rule "nope"');
  });
});
