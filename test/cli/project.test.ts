// What a file is linted with, whatever the entry point: its migration set's history (issue 14 item 4), an
// empty match is an error (item 5), squawk's flag names (item 7).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, run, tmp } from './helpers.js';

const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\n";
const CREATE = 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));\n';
const WIDEN = `${TIMEOUTS}ALTER TABLE users ALTER COLUMN email TYPE varchar(200);\n`;

interface JsonFile { path: string; findings: { rule: string; message: string }[] }
const files = (stdout: string): JsonFile[] => JSON.parse(stdout).files;
const rulesIn = (f: JsonFile[]) => f.flatMap((x) => x.findings.map((y) => y.rule));

describe('a named file learns its history', () => {
  it('Prisma, one directory per migration: the earlier directories feed the schema', async () => {
    const dir = tmp({
      'prisma/migrations/20240101000000_init/migration.sql': CREATE,
      'prisma/migrations/20240102000000_widen/migration.sql': WIDEN,
      'prisma/migrations/20240103000000_later/migration.sql': 'DROP TABLE users;\n',
    });
    const r = await run(['lint', '--no-config', '-f', 'json', 'prisma/migrations/20240102000000_widen/migration.sql'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(files(r.stdout).map((f) => f.path)).toEqual(['prisma/migrations/20240102000000_widen/migration.sql']);
    // varchar(100) → varchar(200) is known to be safe only because the first migration was read.
    expect(rulesIn(files(r.stdout))).not.toContain('changing-column-type');
  });

  it('a flat directory of numbered files, as pre-commit passes them', async () => {
    const dir = tmp({ 'db/001_users.sql': CREATE, 'db/002_widen.sql': WIDEN });
    const r = await run(['lint', '--no-config', '-f', 'json', 'db/002_widen.sql'], { cwd: dir });
    expect(rulesIn(files(r.stdout))).not.toContain('changing-column-type');
  });

  it('a plainly named script stands alone', async () => {
    const dir = tmp({ 'sql/a_users.sql': CREATE, 'sql/widen.sql': WIDEN });
    const r = await run(['lint', '--no-config', '-f', 'json', 'sql/widen.sql'], { cwd: dir });
    expect(files(r.stdout)[0].findings.find((f) => f.rule === 'changing-column-type')?.message).toContain('unknown');
  });

  it('--staged on a Prisma layout reads the earlier migrations, not only the changed directory', async () => {
    const dir = tmp({ 'prisma/migrations/20240101000000_init/migration.sql': CREATE });
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'init');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'prisma/migrations/20240102000000_widen'));
    writeFileSync(join(dir, 'prisma/migrations/20240102000000_widen/migration.sql'), WIDEN);
    git(dir, 'add', '.');
    const r = await run(['lint', '--no-config', '-f', 'json', '--staged'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(files(r.stdout).map((f) => f.path)).toEqual(['prisma/migrations/20240102000000_widen/migration.sql']);
    expect(rulesIn(files(r.stdout))).not.toContain('changing-column-type');
  });
});

describe('an empty match is an error', () => {
  it('a directory without migrations: exit 2, one line', async () => {
    const dir = tmp({ 'empty/readme.txt': 'x' });
    const r = await run(['lint', 'empty'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual(['pgsafe: no .sql files in empty']);
  });

  it('a framework whose layout matches nothing: exit 2, one line', async () => {
    const dir = tmp({ 'db/001_users.sql': CREATE });
    const r = await run(['lint', '--no-config', '--framework', 'flyway', 'db'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pgsafe: no Flyway migrations to lint in db \(1 \.sql file found, all skipped by the config or framework\)\n$/);
  });

  it('files named one by one may all be skipped (a hook passes whatever changed)', async () => {
    const dir = tmp({ 'db/structure.sql': CREATE });
    const r = await run(['lint', '--no-config', '--framework', 'rails', 'db/structure.sql'], { cwd: dir });
    expect(r.code).toBe(0);
  });
});

describe("squawk's flag names", () => {
  const sql = 'DROP TABLE users;\n';
  it('--reporter is --format (tty is pretty); --exclude / --include are --disable / --enable', async () => {
    const gcc = await run(['lint', '-', '--reporter', 'gcc'], { input: sql });
    expect(gcc.stdout).toMatch(/^<stdin>:1:1: error: .*\[ban-drop-table\]$/m);
    expect((await run(['lint', '-', '--reporter', 'tty'], { input: sql })).stdout).toContain('✖');
    const ex = await run(['lint', '-', '-f', 'json', '--exclude', 'ban-drop-table,require-lock-timeout,require-statement-timeout'], { input: sql });
    expect(rulesIn(files(ex.stdout))).not.toContain('ban-drop-table');
    const two = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname);";
    const inc = await run(['lint', '-', '-f', 'json', '--include', 'prefer-robust-stmts'], { input: two });
    expect(rulesIn(files(inc.stdout))).toContain('prefer-robust-stmts');
  });

  it('--exclude-path leaves matching files out', async () => {
    const dir = tmp({ 'db/001.sql': 'SELECT 1;\n', 'db/002_drop.sql': sql });
    const r = await run(['lint', '-f', 'json', '--no-config', '--exclude-path', 'db/002_*.sql', 'db'], { cwd: dir });
    expect(files(r.stdout).map((f) => f.path)).toEqual(['db/001.sql']);
    expect(r.code).toBe(0);
  });

  it('an unknown option is exit 2 and one line', async () => {
    const r = await run(['lint', '--nope', 'x.sql']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--debug is global: before the command too', async () => {
    expect((await run(['--debug', 'lint', '-', '-f', 'json'], { input: 'SELECT 1;\n' })).code).toBe(0);
  });
});
