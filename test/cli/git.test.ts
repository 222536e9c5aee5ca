// --changed-since and --staged on a temporary git repository.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, run, tmp } from './helpers.js';

interface JsonFile { path: string; findings: { rule: string; line: number; message: string }[] }

const CREATE_USERS = 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, age int);\n';
const OLD_UNSAFE = 'CREATE INDEX users_email_idx ON users (email);\n';
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\n";

function repo(): string {
  const dir = tmp({ 'db/migrations/001_create_users.sql': CREATE_USERS, 'db/migrations/002_users_email_idx.sql': OLD_UNSAFE });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  return dir;
}

async function lintJson(cwd: string, args: string[]): Promise<{ code: number | null; files: JsonFile[]; stderr: string }> {
  const r = (await run(['lint', '--no-config', '-f', 'json', ...args], { cwd }));
  return { code: r.code, files: r.stdout ? JSON.parse(r.stdout).files : [], stderr: r.stderr };
}

const forward = (files: JsonFile[]) => files.filter((f) => !f.findings.some((x) => x.message.endsWith('(rollback path)')));

describe('--changed-since', () => {
  it('lints only files added or changed since the ref; earlier files still feed the schema model', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'db/migrations/003_widen_age.sql'), `${TIMEOUTS}ALTER TABLE users ALTER COLUMN age TYPE bigint;\n`);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'widen age');
    const r = (await lintJson(dir, ['--changed-since', 'main', 'db/migrations']));
    expect(r.stderr).toBe('');
    expect(forward(r.files).map((f) => f.path)).toEqual(['db/migrations/003_widen_age.sql']);
    const change = r.files[0].findings.find((x) => x.rule === 'changing-column-type')!;
    // The type comes from 001, which was not linted but was read.
    expect(change.message).toContain('integer → bigint');
    // Without --changed-since the old unsafe index is reported too.
    expect(forward((await lintJson(dir, ['db/migrations'])).files).flatMap((f) => f.findings.map((x) => x.rule))).toContain('require-concurrent-index-creation');
  });

  it('treats tables created by any pending file as new, and includes uncommitted files', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'db/migrations/003_orders.sql'), 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL);\n');
    writeFileSync(join(dir, 'db/migrations/004_orders_idx.sql'), `${TIMEOUTS}CREATE INDEX orders_user_id_idx ON orders (user_id);\nCREATE INDEX users_age_idx ON users (age);\n`);
    const r = (await lintJson(dir, ['--changed-since', 'main', 'db/migrations']));
    expect(forward(r.files).map((f) => f.path)).toEqual(['db/migrations/003_orders.sql', 'db/migrations/004_orders_idx.sql']);
    const idx = r.files[1].findings.filter((x) => x.rule === 'require-concurrent-index-creation');
    // orders is new (created in a pending file, so empty): only the index on users is reported.
    expect(idx.map((x) => x.line)).toEqual([4]);
  });

  it('defaults to the directories of the changed migrations when no path is given', async () => {
    const dir = repo();
    writeFileSync(join(dir, 'db/migrations/003_widen_age.sql'), `${TIMEOUTS}ALTER TABLE users ALTER COLUMN age TYPE bigint;\n`);
    const r = (await lintJson(dir, ['--changed-since', 'main']));
    expect(forward(r.files).map((f) => f.path)).toEqual(['db/migrations/003_widen_age.sql']);
    expect(r.files[0].findings.find((x) => x.rule === 'changing-column-type')!.message).toContain('integer → bigint');
  });

  it('is a usage error for an unknown ref', async () => {
    const r = (await run(['lint', '--changed-since', 'no-such-branch', 'db/migrations'], { cwd: repo() }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-branch');
  });
});

describe('--staged', () => {
  it('lints only staged files, as staged in the index rather than the working tree', async () => {
    const dir = repo();
    const file = join(dir, 'db/migrations/003_drop.sql');
    writeFileSync(file, `${TIMEOUTS}ALTER TABLE users DROP COLUMN age;\n`);
    git(dir, 'add', 'db/migrations/003_drop.sql');
    // The working tree now differs: the staged version is the one that will be committed.
    writeFileSync(file, `${TIMEOUTS}SELECT 1;\n`);
    writeFileSync(join(dir, 'db/migrations/004_unstaged.sql'), 'DROP TABLE users;\n');
    const r = (await lintJson(dir, ['--staged']));
    expect(r.stderr).toBe('');
    expect(forward(r.files).map((f) => f.path)).toEqual(['db/migrations/003_drop.sql']);
    expect(r.files[0].findings.map((x) => x.rule)).toContain('ban-drop-column');
    expect(r.code).toBe(1);
  });

  it('exits 0 with nothing staged', async () => {
    const r = (await lintJson(repo(), ['--staged']));
    expect(r.code).toBe(0);
    expect(r.files).toEqual([]);
  });
});
