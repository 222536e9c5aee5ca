// Framework presets: discovery, order, transaction semantics (with each framework's opt-out in the help), directives, placeholders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameworks } from '../../src/config/frameworks/index.js';
import { substitutePlaceholders } from '../../src/config/placeholders.js';
import { ROOT, run, tmp } from '../cli/helpers.js';

interface JsonFinding { rule: string; line: number; column: number; endLine: number; endColumn: number; severity: string; message: string; help: string | null }
interface JsonFile { path: string; findings: JsonFinding[] }

const FIX = 'fixtures/frameworks';
const BAN = 'ban-concurrent-index-creation-in-transaction';

async function lintJson(args: string[], cwd = ROOT): Promise<JsonFile[]> {
  const r = (await run(['lint', '-f', 'json', ...args], { cwd }));
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout).files;
}

/** Forward files only: the rollback path (down migrations linted after their up) is another feature. */
function forward(files: JsonFile[]): JsonFile[] {
  // Down files are linted too, as the rollback path; a down file with no findings has no "(rollback path)" message.
  return files.filter((f) => !/(^|[/._])down\.sql$/.test(f.path) && !f.findings.some((x) => x.message.endsWith('(rollback path)')));
}

function ban(files: JsonFile[], path: string): JsonFinding[] {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} was not linted: ${files.map((x) => x.path).join(', ')}`);
  return f.findings.filter((x) => x.rule === BAN);
}

describe.each([
  ['goose', `${FIX}/goose/00002_add_email_index.sql`, 3, `${FIX}/goose/00003_add_name_index.sql`, '`-- +goose NO TRANSACTION`'],
  ['dbmate', `${FIX}/dbmate/20240102000000_add_email_index.sql`, 3, `${FIX}/dbmate/20240103000000_add_name_index.sql`, '`-- migrate:up transaction:false`'],
  ['flyway', `${FIX}/flyway/V1_1__add_email_index.sql`, 2, `${FIX}/flyway/V2__add_name_index.sql`, '`V1_1__add_email_index.sql.conf` next to it containing `executeInTransaction=false`'],
  ['diesel', `${FIX}/diesel/migrations/2024-01-02-000000_add_email_index/up.sql`, 2, `${FIX}/diesel/migrations/2024-01-03-000000_add_name_index/up.sql`, '`metadata.toml` containing `run_in_transaction = false`'],
  ['golang-migrate', `${FIX}/golang-migrate/000003_add_name_index.up.sql`, 2, `${FIX}/golang-migrate/000002_add_email_index.up.sql`, 'move this statement into a migration file of its own'],
])('%s', (framework, wrapped, line, optedOut, optOut) => {
  it('reports CONCURRENTLY in a transaction-wrapped file as an error whose help names the opt-out', async () => {
    const files = (await lintJson(['--framework', framework, `${FIX}/${framework}`]));
    const [f, ...rest] = ban(files, wrapped);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', line, column: 1 });
    expect(f.help).toContain(optOut);
  });

  it('accepts CONCURRENTLY where the file opts out', async () => {
    expect(ban((await lintJson(['--framework', framework, `${FIX}/${framework}`])), optedOut)).toEqual([]);
  });
});

describe('prisma', () => {
  it('lints migrations/*/migration.sql in a transaction and names its workaround', async () => {
    const files = forward((await lintJson(['--framework', 'prisma', `${FIX}/prisma`])));
    expect(files.map((f) => f.path)).toEqual([`${FIX}/prisma/migrations/20240101000000_init/migration.sql`, `${FIX}/prisma/migrations/20240102000000_add_email_index/migration.sql`]);
    const [f] = ban(files, `${FIX}/prisma/migrations/20240102000000_add_email_index/migration.sql`);
    expect(f).toMatchObject({ line: 3, column: 1 });
    expect(f.help).toContain('Prisma Migrate');
  });
});

describe('flyway', () => {
  it('lints V files in version order, skips U and R files, and fills ${placeholders} from the config', async () => {
    const files = forward((await lintJson([`${FIX}/flyway`])));
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['V1__create_users.sql', 'V1_1__add_email_index.sql', 'V2__add_name_index.sql', 'V3__standalone_index.sql']);
    for (const f of files) expect(f.findings.filter((x) => x.rule === 'syntax-error')).toEqual([]);
    const cwd = tmp({ 'pgsafe.config.json': '{ "framework": "flyway", "placeholders": { "schema": "app" } }', 'db/V1__idx.sql': 'CREATE INDEX users_email_idx ON ${schema}.users (email);\n' });
    const [idx] = (await lintJson(['db'], cwd))[0].findings.filter((x) => x.rule === 'require-concurrent-index-creation');
    expect(idx.message).toContain('"app.users"');
    expect(idx).toMatchObject({ line: 1, column: 1, endColumn: 56 });
  });

  it('fills placeholders in undo migrations too (the rollback path)', async () => {
    const files = (await lintJson([`${FIX}/flyway`]));
    const undo = files.find((f) => f.path.endsWith('U1_1__drop_email_index.sql'))!;
    expect(undo.findings.filter((x) => x.rule === 'syntax-error')).toEqual([]);
    expect(undo.findings.find((x) => x.rule === 'require-concurrent-index-deletion')!.message).toContain('"app.users"');
    const up = files.find((f) => f.path.endsWith('V1_1__add_email_index.sql'))!;
    expect(up.findings.filter((x) => x.rule === 'require-down-migration')).toEqual([]);
  });

  it('runs a migration made only of non-transactional statements outside a transaction, as Flyway does', async () => {
    expect(ban((await lintJson([`${FIX}/flyway`])), `${FIX}/flyway/V3__standalone_index.sql`)).toEqual([]);
    const p = frameworks.flyway.prepare('V9__x.sql', '', [{ kind: 'VariableSetStmt', text: "SET lock_timeout = '2s'" }, { kind: 'IndexStmt', text: 'CREATE INDEX CONCURRENTLY i ON t (c)' }]);
    expect(p.inTransaction).toBe(true);
    expect(frameworks.flyway.prepare('V9__x.sql', '', [{ kind: 'IndexStmt', text: '-- why\nCREATE UNIQUE INDEX CONCURRENTLY i ON t (c)' }]).inTransaction).toBe(false);
  });

  it('reports a placeholder without a value clearly, at its own position', async () => {
    const files = forward((await lintJson(['--no-config', '--framework', 'flyway', `${FIX}/flyway/V1__create_users.sql`])));
    const [p] = files[0].findings.filter((x) => x.rule === 'syntax-error');
    expect(p).toMatchObject({ line: 1, column: 14, endLine: 1, endColumn: 23 });
    expect(p.message).toBe('Flyway placeholder `${schema}` has no value, so the file was linted with `schema` in its place');
    expect(p.help).toContain('"placeholders": { "schema": "…" }');
  });
});

describe('goose', () => {
  it('lints only the Up section, keeping lines and columns', async () => {
    const files = forward((await lintJson(['--framework', 'goose', `${FIX}/goose`])));
    // 00001's Down section drops the table; as a forward migration that is never reported.
    expect(files.find((f) => f.path.endsWith('00001_create_users.sql'))!.findings.filter((x) => x.rule === 'ban-drop-table')).toEqual([]);
    const prepared = frameworks.goose.prepare('x.sql', readFileSync(join(ROOT, FIX, 'goose/00001_create_users.sql'), 'utf8'), []);
    const original = readFileSync(join(ROOT, FIX, 'goose/00001_create_users.sql'), 'utf8');
    expect(prepared.text.length).toBe(original.length);
    expect(prepared.text.split('\n').length).toBe(original.split('\n').length);
    expect(prepared.text).not.toContain('DROP TABLE');
    expect(prepared.text.slice(0, original.indexOf('-- +goose Down'))).toBe(original.slice(0, original.indexOf('-- +goose Down')));
  });

  it('tells where the Down section is, for rollback checks', () => {
    const text = '-- +goose Up\nCREATE TABLE t (id int);\n-- +goose Down\nDROP TABLE t;\n';
    expect(frameworks.goose.downFor('m.sql', text)).toEqual({ kind: 'section', path: 'm.sql', span: { start: text.indexOf('-- +goose Down'), end: text.length } });
  });
});

describe('discovery per framework', () => {
  it.each([
    ['golang-migrate', ['000001_create_users.up.sql', '000002_add_email_index.up.sql', '000003_add_name_index.up.sql']],
    ['diesel', ['up.sql', 'up.sql', 'up.sql']],
  ])('%s lints forward files only', async (framework, names) => {
    expect(forward((await lintJson(['--framework', framework, `${FIX}/${framework}`]))).map((f) => f.path.split('/').pop())).toEqual(names);
  });

  it('sqitch lints deploy/ in sqitch.plan order', async () => {
    const files = forward((await lintJson(['--framework', 'sqitch', `${FIX}/sqitch`])));
    expect(files.map((f) => f.path)).toEqual([`${FIX}/sqitch/deploy/users.sql`, `${FIX}/sqitch/deploy/add_email_index.sql`]);
  });

  it('rails skips structure.sql, even when named', async () => {
    const r = (await run(['lint', '-f', 'json', '--framework', 'rails', `${FIX}/rails/db/structure.sql`]));
    expect(JSON.parse(r.stdout).files).toEqual([]);
    expect(r.stderr).toContain('structure.sql: skipped, not a Rails migration');
  });

  it('down paths are where each framework keeps them', () => {
    expect(frameworks['golang-migrate'].downFor('db/1_x.up.sql', '')).toEqual({ kind: 'file', path: 'db/1_x.down.sql' });
    expect(frameworks.diesel.downFor('m/2024_x/up.sql', '')).toEqual({ kind: 'file', path: join('m/2024_x', 'down.sql') });
    expect(frameworks.flyway.downFor(join(ROOT, FIX, 'flyway/V1_1__add_email_index.sql'), '')).toEqual({ kind: 'file', path: join(ROOT, FIX, 'flyway/U1_1__drop_email_index.sql') });
    expect(frameworks.sqitch.downFor(join(ROOT, FIX, 'sqitch/deploy/users.sql'), '')).toEqual({ kind: 'file', path: join(ROOT, FIX, 'sqitch/revert/users.sql') });
    const dbmate = '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n';
    expect(frameworks.dbmate.downFor('m.sql', dbmate)).toEqual({ kind: 'section', path: 'm.sql', span: { start: dbmate.indexOf('-- migrate:down'), end: dbmate.length } });
  });
});

describe('Go template placeholders', () => {
  const dir = '/work/shared/corpus/supabase-auth/migrations';
  const hasCorpus = (() => { try { return readdirSync(dir).length > 0; } catch { return false; } })();

  it.runIf(hasCorpus)('lint supabase/auth with a placeholder value, with exact columns after the template', async () => {
    const cwd = tmp({ 'pgsafe.config.json': '{ "placeholders": { "Namespace": "auth" } }' });
    const files = forward((await lintJson(['-c', join(cwd, 'pgsafe.config.json'), dir])));
    expect(files.length).toBeGreaterThan(60);
    expect(files.flatMap((f) => f.findings.filter((x) => x.rule === 'syntax-error'))).toEqual([]);
    // A finding that starts after a template on the same line points at the original text.
    let checked = 0;
    for (const f of files) {
      const lines = readFileSync(f.path, 'utf8').split('\n');
      for (const x of f.findings) {
        const line = lines[x.line - 1];
        const t = line.indexOf('{{');
        if (t < 0 || x.column - 1 <= t || x.line !== x.endLine) continue;
        const text = [...line].slice(x.column - 1, x.endColumn - 1).join('');
        expect(text).toMatch(/^(CONSTRAINT|constraint|references|REFERENCES|[a-z_"])/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('without a value, reports the template expression and still lints the statement', async () => {
    const text = 'CREATE INDEX users_email_idx ON {{ index .Options "Namespace" }}.users (email);\n';
    const files = (await lintJson(['--no-config', 'm.sql'], tmp({ 'm.sql': text })));
    const rules = files[0].findings.map((x) => x.rule);
    expect(rules).toContain('require-concurrent-index-creation');
    const p = files[0].findings.find((x) => x.rule === 'syntax-error')!;
    expect(p).toMatchObject({ line: 1, column: 33, endColumn: 65 });
    expect(p.message).toBe('Go template expression `{{ index .Options "Namespace" }}` has no value, so the file was linted with `Namespace` in its place');
  });

  it('maps offsets when the value is longer or shorter than the placeholder', () => {
    const text = 'SELECT 1 FROM ${s}.t WHERE x = 1;';
    for (const value of ['a', 'a_much_longer_schema_name']) {
      const sub = substitutePlaceholders(text, { s: value }, { flyway: true });
      const at = sub.text.indexOf('WHERE');
      expect(sub.toOriginal(at, 'start')).toBe(text.indexOf('WHERE'));
      const v = sub.text.indexOf(value);
      expect(sub.toOriginal(v, 'start')).toBe(text.indexOf('${s}'));
      expect(sub.toOriginal(v + value.length, 'end')).toBe(text.indexOf('${s}') + 4);
      if (value.length > 1) expect(sub.toOriginal(v + 1, 'end')).toBe(text.indexOf('${s}') + 4);
      expect(sub.touches({ start: 0, end: at })).toBe(true);
      expect(sub.touches({ start: at, end: at + 5 })).toBe(false);
    }
  });

  it('leaves JSON braces in string literals alone', () => {
    const sub = substitutePlaceholders(`SELECT '{{"a": 1}}'::jsonb;`, {}, { flyway: false });
    expect(sub.replacements).toEqual([]);
  });
});
