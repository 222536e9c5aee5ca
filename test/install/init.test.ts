// pgsafe init on real layouts: the framework and a nested migrations directory are found, so a bare `pgsafe lint`
// works; --from-squawk converts .squawk.toml; the git hook never blocks commits when pgsafe is missing.
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { findMigrationDirs } from '../../src/cli/init-detect.js';
import { hookScript } from '../../src/cli/init.js';
import { convertSquawk, parseSquawkToml } from '../../src/cli/squawk-config.js';
import { git, ROOT, sh, tempDir, write } from './helpers.js';

const CORPUS = resolve(ROOT, '../shared/corpus');
const BIN = join(ROOT, 'bin', 'pgsafe.js');
const pgsafe = (args: string[], cwd: string) => sh(process.execPath, [BIN, ...args], cwd);

function corpusProject(name: string): string {
  const dir = tempDir(`init-${name}`);
  cpSync(join(CORPUS, name), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  return dir;
}

// The corpus is ../shared, next to the checkout; a clean clone in CI has none.
describe.runIf(existsSync(CORPUS))('pgsafe init finds the migrations', () => {
  it('documenso: Prisma under packages/prisma/migrations; a bare pgsafe lint then lints all 163', () => {
    const dir = corpusProject('documenso');
    const r = pgsafe(['init'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('found 163 migrations in packages/prisma/migrations (Prisma');
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8'))).toMatchObject({ framework: 'prisma', include: ['packages/prisma/migrations/**/*.sql'] });
    const lint = pgsafe(['lint', '-f', 'json'], dir);
    expect(lint.code, lint.stderr).toBe(1);
    expect(JSON.parse(lint.stdout).summary.files).toBeGreaterThanOrEqual(163);
  });

  it('hatchet: goose, found by its annotations, under cmd/hatchet-migrate/migrate/migrations', () => {
    const dir = corpusProject('hatchet');
    expect(pgsafe(['init'], dir).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8'))).toMatchObject({ framework: 'goose', include: ['cmd/hatchet-migrate/migrate/migrations/**/*.sql'] });
    const lint = pgsafe(['lint', '-f', 'json'], dir);
    expect(lint.code, lint.stderr).toBe(1);
    expect(JSON.parse(lint.stdout).files.some((f: { path: string }) => f.path.endsWith('20240215162148_v0_10_2.sql'))).toBe(true);
  });

  it('tells the frameworks apart by their files', () => {
    const dir = tempDir('init-layouts');
    write(dir, {
      'a/migrations/V1__init.sql': 'SELECT 1;', 'a/migrations/V2__more.sql': 'SELECT 1;',
      'b/migrations/1_init.up.sql': 'SELECT 1;', 'b/migrations/1_init.down.sql': 'SELECT 1;',
      'c/db/migrations/20240101_init.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\n',
      'd/migrations/2024-01-01-000000_init/up.sql': 'SELECT 1;', 'd/migrations/2024-01-01-000000_init/down.sql': 'SELECT 1;',
      'e/sqitch.plan': '%project=x\n', 'e/deploy/users.sql': 'SELECT 1;',
      'node_modules/x/migrations/001_a.sql': 'SELECT 1;', 'docs/schema.sql': 'SELECT 1;',
    });
    const found = Object.fromEntries(findMigrationDirs(dir).map((f) => [f.dir, f.framework ?? 'none']));
    expect(found).toEqual({ 'a/migrations': 'flyway', 'b/migrations': 'golang-migrate', 'c/db/migrations': 'dbmate', 'd/migrations': 'diesel', e: 'sqitch' });
  });

  it('says so when there is nothing to find', () => {
    const dir = tempDir('init-empty');
    const r = pgsafe(['init'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no migrations directory found');
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8')).include).toBeUndefined();
  });
});

describe('pgsafe init --from-squawk', () => {
  const SQUAWK = [
    '# squawk settings',
    'pg_version = "13.0"',
    'excluded_rules = [',
    '    "require-concurrent-index-creation", # trailing comment',
    "    'prefer-big-int',",
    '    "ban-alter-policy-roles",',
    ']',
    'assume_in_transaction = true',
    'excluded_paths = ["005_user_ids.sql", "./db/legacy/*.sql"]',
    '[upload_to_github]',
    'fail_on_violations = true',
    '',
  ].join('\n');

  it('converts every squawk setting, and says what it left out', () => {
    const dir = tempDir('squawk');
    write(dir, { '.squawk.toml': SQUAWK, 'db/migrations/001.sql': 'CREATE INDEX i ON t (a);\n', 'db/migrations/005_user_ids.sql': 'DROP TABLE users;\n' });
    git(dir, 'init', '-q', '-b', 'main');
    const r = pgsafe(['init', '--from-squawk'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8'))).toMatchObject({
      pgVersion: 13,
      assumeInTransaction: true,
      include: ['db/migrations/**/*.sql'],
      exclude: ['**/005_user_ids.sql', 'db/legacy/*.sql'],
      rules: { 'require-concurrent-index-creation': 'off', 'prefer-bigint-over-int': 'off', 'prefer-bigint-over-smallint': 'off' },
    });
    expect(r.stdout).toContain('"ban-alter-policy-roles" has no pgsafe rule; left out');
    expect(r.stdout).toContain('upload_to_github: pgsafe has no upload command');
    // pgsafe accepts what it wrote, and applies it: the excluded rule and the excluded path are gone.
    const lint = pgsafe(['lint', '-f', 'json'], dir);
    expect(lint.stderr).toBe('');
    const out = JSON.parse(lint.stdout);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['db/migrations/001.sql']);
    expect(out.files[0].findings.map((f: { rule: string }) => f.rule)).not.toContain('require-concurrent-index-creation');
  });

  it('an explicit --pg-version wins over pg_version; included_rules turn opt-in rules on', () => {
    const toml = parseSquawkToml('pg_version = "11"\nincluded_rules = ["prefer-robust-stmts"]\n', '.squawk.toml');
    const c = convertSquawk(toml, rules, '.squawk.toml');
    expect(c.config).toEqual({ pgVersion: 11, rules: { 'prefer-robust-stmts': 'warning' } });
    const dir = tempDir('squawk-pg');
    write(dir, { '.squawk.toml': 'pg_version = "11.0"\n' });
    expect(pgsafe(['init', '--from-squawk', '.squawk.toml', '--pg-version', '16'], dir).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'pgsafe.config.json'), 'utf8')).pgVersion).toBe(16);
  });

  it('a file it cannot read is a usage error naming the line', () => {
    const dir = tempDir('squawk-bad');
    write(dir, { '.squawk.toml': 'pg_version = "13.0"\nexcluded_rules = { a = 1 }\n' });
    const r = pgsafe(['init', '--from-squawk'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pgsafe: \.squawk\.toml:2: unsupported value/m);
    expect(existsSync(join(dir, 'pgsafe.config.json'))).toBe(false);
    expect(pgsafe(['init', '--from-squawk'], tempDir('squawk-none')).stderr).toContain('no .squawk.toml in this directory or its parents');
  });
});

describe('the git hook of pgsafe init --hook', () => {
  function repoWithHook(script: string): string {
    const dir = tempDir('hook');
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, { 'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n', 'README.md': 'x\n' });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--no-verify', '-m', 'base');
    writeFileSync(join(dir, '.git/hooks/pre-commit'), script);
    chmodSync(join(dir, '.git/hooks/pre-commit'), 0o755);
    return dir;
  }
  // A PATH without any pgsafe, but with git, sh and node.
  const PATH = [...new Set(['/usr/bin', '/bin', join(process.execPath, '..')])].join(':');

  it('without pgsafe installed it lets commits through and says the migrations were not linted', () => {
    const dir = repoWithHook(hookScript());
    write(dir, { 'README.md': 'y\n' });
    git(dir, 'add', '-A');
    const docs = sh('git', ['commit', '-m', 'docs'], dir, { PATH });
    expect(docs.code).toBe(0);
    expect(docs.stderr).not.toContain('pgsafe'); // no SQL staged: the hook does nothing
    write(dir, { 'db/migrations/002_idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n' });
    git(dir, 'add', '-A');
    const sql = sh('git', ['commit', '-m', 'sql'], dir, { PATH });
    expect(sql.code).toBe(0);
    expect(sql.stderr).toContain('pgsafe: not installed, so the staged migrations were NOT linted');
  });

  it("runs the project's own pgsafe from node_modules/.bin and blocks an unsafe migration", () => {
    const dir = repoWithHook(hookScript());
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(BIN, join(dir, 'node_modules/.bin/pgsafe'));
    write(dir, { '.gitignore': 'node_modules/\n', 'db/migrations/002_idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n' });
    git(dir, 'add', '-A');
    const r = sh('git', ['commit', '-m', 'unsafe'], dir, { PATH });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('db/migrations/002_idx.sql:1:1: error [require-concurrent-index-creation]');
  });

  it('written by pgsafe init --hook, it finds the pgsafe that wrote it when none is installed', () => {
    const dir = repoWithHook('');
    expect(pgsafe(['init', '--hook', '--force'], dir).code).toBe(0);
    const hook = readFileSync(join(dir, '.git/hooks/pre-commit'), 'utf8');
    expect(hook).not.toContain('npx');
    expect(hook).toContain(BIN);
    write(dir, { 'db/migrations/002_idx.sql': 'CREATE INDEX users_email_idx ON users (email);\n' });
    git(dir, 'add', 'db');
    const r = sh('git', ['commit', '-m', 'unsafe'], dir, { PATH });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('error [require-concurrent-index-creation]');
  });
});
