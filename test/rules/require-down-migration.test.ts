// require-down-migration needs the file's path and its siblings, so it is tested through `withRollback` (the
// discovery pass the CLI runs) over an in-memory file system, with exact positions per finding.
import { basename, dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/require-down-migration.js';
import concurrentIndex from '../../rules/require-concurrent-index-creation.js';
import { lint, type Finding, type LintInput } from '../../src/engine/engine.js';
import type { Rule } from '../../src/engine/rule.js';
import { frameworks } from '../../src/config/frameworks/index.js';
import type { DownFs } from '../../src/rollback/down.js';
import { flattenRollback, withRollback } from '../../src/rollback/inputs.js';
import { lintWith, sql } from '../helpers/rule-tester.js';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n';

function memFs(files: Record<string, string>): DownFs {
  const byPath = new Map(Object.entries(files).map(([p, t]) => [resolve(p), t]));
  return {
    exists: (p) => byPath.has(resolve(p)),
    read: (p) => byPath.get(resolve(p)),
    list: (d) => [...byPath.keys()].filter((p) => dirname(p) === resolve(d)).map((p) => basename(p)),
  };
}

/** Lints `paths` (in order) from `files`, the way `pgsafe lint` does; `prepare` applies a framework preset first. */
async function run(files: Record<string, string>, paths: string[], opts: { framework?: string; prepare?: boolean; rules?: Rule[]; base?: string } = {}) {
  const inputs: LintInput[] = paths.map((p) => {
    const text = opts.prepare && opts.framework ? frameworks[opts.framework as keyof typeof frameworks].prepare(p, files[p], []).text : files[p];
    return { path: p, text };
  });
  if (opts.base !== undefined) inputs.unshift({ path: 'base.sql', text: opts.base, lint: false });
  const ready = await withRollback(inputs, { framework: opts.framework, fs: memFs(files) });
  const results = flattenRollback(await lint(ready, { rules: opts.rules ?? [rule], pgVersion: 15, assumeInTransaction: false }), ready);
  return results.flatMap((r) => r.findings.map((f) => ({ ...f, path: r.path })));
}

const brief = (f: Finding & { path: string }) => `${f.path}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.messageId} ${f.message}`;

describe('golang-migrate (*.up.sql / *.down.sql)', () => {
  const up = 'migrations/000002_add_phone.up.sql';
  const down = 'migrations/000002_add_phone.down.sql';
  const upText = 'ALTER TABLE users ADD COLUMN phone text;\nCREATE INDEX CONCURRENTLY users_phone_idx ON users (phone);\n';
  it('reports a missing down file, with the undo SQL as help', async () => {
    const f = await run({ [up]: upText }, [up], { base: USERS });
    expect(f.map(brief)).toEqual([`${up}:1:1-1:40 missingFile No down migration: "000002_add_phone.down.sql" does not exist, so this golang-migrate migration has no rollback`]);
    expect(f[0].help).toBe('Write "000002_add_phone.down.sql" so it undoes this migration:\nDROP INDEX CONCURRENTLY users_phone_idx;\nALTER TABLE users DROP COLUMN phone;');
  });
  it('accepts a down that undoes everything', async () => {
    expect(await run({ [up]: upText, [down]: 'DROP INDEX CONCURRENTLY users_phone_idx;\nALTER TABLE users DROP COLUMN phone;\n' }, [up, down], { base: USERS })).toEqual([]);
  });
  it('reports an empty down (comments, BEGIN/COMMIT only)', async () => {
    const f = await run({ [up]: upText, [down]: '-- nothing\nBEGIN;\nCOMMIT;\n' }, [up], { base: USERS });
    expect(f.map(brief)).toEqual([`${up}:1:1-1:40 empty The down migration "000002_add_phone.down.sql" is empty: rolling back changes nothing, so this migration has no rollback`]);
  });
  it('reports a down that only raises', async () => {
    const f = await run({ [up]: upText, [down]: "DO $$\nBEGIN\n  RAISE EXCEPTION 'cannot roll back 000002';\nEND $$;\n" }, [up], { base: USERS });
    expect(f.map((x) => x.messageId)).toEqual(['raises']);
  });
  it('a down that raises a NOTICE and then undoes is a real down', async () => {
    const f = await run({ [up]: upText, [down]: "DO $$ BEGIN RAISE NOTICE 'rolling back'; END $$;\nDROP INDEX CONCURRENTLY users_phone_idx;\nALTER TABLE users DROP COLUMN phone;\n" }, [up], { base: USERS });
    expect(f).toEqual([]);
  });
  it('static round trip: names what the down forgets, on the up statement that did it', async () => {
    const f = await run({ [up]: upText, [down]: 'DROP INDEX CONCURRENTLY users_phone_idx;\n' }, [up, down], { base: USERS });
    expect(f.map(brief)).toEqual([`${up}:1:1-1:40 incomplete Rolling back does not return the schema to where it was: down does not drop column "users"."phone" added by up`]);
    expect(f[0].help).toBe('Make the down migration "000002_add_phone.down.sql" drop it:\nALTER TABLE users DROP COLUMN phone;');
  });
  it('static round trip: an index recreated on other columns', async () => {
    const base = `${USERS}CREATE INDEX idx_a ON users (email);\n`;
    const f = await run({ [up]: 'DROP INDEX idx_a;\n', [down]: 'CREATE INDEX idx_a ON users (email, id);\n' }, [up], { base });
    expect(f.map((x) => x.message)).toEqual(['Rolling back does not return the schema to where it was: down recreates index "idx_a" on (email, id) but up dropped one on (email)']);
    expect(f[0].help).toBe('Make the down migration "000002_add_phone.down.sql" restore it as it was before this migration:\nDROP INDEX CONCURRENTLY idx_a;\nCREATE INDEX CONCURRENTLY idx_a ON users (email);');
  });
  it('static round trip: a dropped column not recreated, with the column as it was', async () => {
    const base = 'CREATE TABLE users (id bigint PRIMARY KEY, email varchar(320) NOT NULL);\n';
    const f = await run({ [up]: 'ALTER TABLE users DROP COLUMN email;\n', [down]: 'SELECT 1;\n' }, [up], { base });
    expect(f.map((x) => x.message)).toEqual(['Rolling back does not return the schema to where it was: down does not recreate column "users"."email" dropped by up']);
    expect(f[0].help).toBe('Make the down migration "000002_add_phone.down.sql" restore it as it was before this migration:\nALTER TABLE users ADD COLUMN email varchar(320);\n-- restore its values from your backup, then:\nALTER TABLE users ALTER COLUMN email SET NOT NULL;');
  });
  it('a down given among the inputs is not run between the ups (the next file still sees the table)', async () => {
    const up2 = 'migrations/000003_add_age.up.sql';
    const files = {
      'migrations/000001_users.up.sql': USERS, 'migrations/000001_users.down.sql': 'DROP TABLE users;\n',
      [up2]: 'ALTER TABLE users ADD COLUMN age integer;\n', 'migrations/000003_add_age.down.sql': 'SELECT 1;\n',
    };
    const f = await run(files, ['migrations/000001_users.down.sql', 'migrations/000001_users.up.sql', 'migrations/000003_add_age.down.sql', up2]);
    expect(f.map(brief)).toEqual([`${up2}:1:1-1:41 incomplete Rolling back does not return the schema to where it was: down does not drop column "users"."age" added by up`]);
  });
});

describe('goose (-- +goose Up / Down sections)', () => {
  const p = 'db/migrations/20240102000000_add_phone.sql';
  const up = '-- +goose Up\nALTER TABLE users ADD COLUMN phone text;\n\n';
  it('reports a missing Down section', async () => {
    expect((await run({ [p]: up }, [p], { base: USERS })).map(brief)).toEqual([`${p}:2:1-2:40 missingSection No \`-- +goose Down\` section: this goose migration has no rollback`]);
  });
  it('reports an empty Down section', async () => {
    expect((await run({ [p]: `${up}-- +goose Down\n-- nothing to undo\n` }, [p], { base: USERS })).map((f) => f.message)).toEqual([
      'The down migration (`-- +goose Down` section) is empty: rolling back changes nothing, so this migration has no rollback',
    ]);
  });
  it('accepts a Down section that undoes the Up', async () => {
    expect(await run({ [p]: `${up}-- +goose Down\nALTER TABLE users DROP COLUMN phone;\n` }, [p], { base: USERS })).toEqual([]);
  });
  it('with the goose preset (Down already blanked), reads the section from the file as written', async () => {
    const files = { [p]: `${up}-- +goose Down\nALTER TABLE users DROP COLUMN phone;\n` };
    expect(await run(files, [p], { base: USERS, framework: 'goose', prepare: true })).toEqual([]);
    const empty = { [p]: `${up}-- +goose Down\n` };
    expect((await run(empty, [p], { base: USERS, framework: 'goose', prepare: true })).map((f) => f.messageId)).toEqual(['empty']);
  });
  it('lints the Down section as the rollback path, at its own lines', async () => {
    const text = sql`
      -- +goose NO TRANSACTION
      -- +goose Up
      DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;

      -- +goose Down
      CREATE INDEX users_email_idx ON users (email);
    `;
    const f = await run({ [p]: text }, [p], { base: USERS, rules: [rule, concurrentIndex] });
    expect(f.map((x) => `${x.path}:${x.line}:${x.column} ${x.rule} rollback=${x.rollback}`)).toEqual([`${p}:6:1 require-concurrent-index-creation rollback=true`]);
    expect(f[0].message).toMatch(/ \(rollback path\)$/);
  });
  it('without a discovery pass (editor), an empty section still reports; a missing marker says nothing', async () => {
    expect((await lintWith(rule, `${up}-- +goose Down\n`)).findings.map((f) => `${f.line}:${f.column} ${f.messageId}`)).toEqual(['2:1 empty']);
    expect((await lintWith(rule, up)).findings).toEqual([]);
  });
});

describe('dbmate (-- migrate:up / -- migrate:down)', () => {
  const p = 'db/migrations/20240102000000_add_phone.sql';
  it('missing, raising and complete downs', async () => {
    const up = '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n';
    expect((await run({ [p]: up }, [p], { base: USERS })).map((f) => f.message)).toEqual(['No `-- migrate:down` section: this dbmate migration has no rollback']);
    expect((await run({ [p]: `${up}-- migrate:down\nDO $$ BEGIN RAISE 'irreversible'; END $$;\n` }, [p], { base: USERS })).map((f) => f.messageId)).toEqual(['raises']);
    expect(await run({ [p]: `${up}-- migrate:down\nALTER TABLE users DROP COLUMN phone;\n` }, [p], { base: USERS })).toEqual([]);
  });
});

describe('Flyway (V…__ / U…__ undo)', () => {
  it('a project that writes undo files expects one per versioned migration', async () => {
    const files = { 'sql/V1__users.sql': USERS, 'sql/U1__users.sql': 'DROP TABLE users;\n', 'sql/V2__add_phone.sql': 'ALTER TABLE users ADD COLUMN phone text;\n' };
    const f = await run(files, ['sql/U1__users.sql', 'sql/V1__users.sql', 'sql/V2__add_phone.sql']);
    expect(f.map(brief)).toEqual(['sql/V2__add_phone.sql:1:1-1:40 missingFile No down migration: "U2__add_phone.sql" does not exist, so this Flyway migration has no rollback']);
  });
  it('a project without undo files (Flyway Community) is not asked for one', async () => {
    expect(await run({ 'sql/V1__users.sql': USERS }, ['sql/V1__users.sql'])).toEqual([]);
    expect(await run({ 'sql/V1__users.sql': USERS }, ['sql/V1__users.sql'], { framework: 'flyway' })).toEqual([]);
  });
});

describe('diesel (<dir>/up.sql, <dir>/down.sql), Sqitch, Prisma', () => {
  it('diesel: missing down.sql', async () => {
    const p = 'migrations/2024-01-02-000000_add_phone/up.sql';
    expect((await run({ [p]: 'ALTER TABLE users ADD COLUMN phone text;\n' }, [p], { base: USERS })).map((f) => f.message)).toEqual([
      'No down migration: "down.sql" does not exist, so this diesel migration has no rollback',
    ]);
  });
  it('Sqitch (through its preset): revert/<change>.sql', async () => {
    const files = { 'db/deploy/add_phone.sql': 'ALTER TABLE users ADD COLUMN phone text;\n', 'db/revert/add_phone.sql': 'SELECT 1;\n' };
    expect((await run(files, ['db/deploy/add_phone.sql'], { base: USERS, framework: 'sqitch' })).map((f) => f.message)).toEqual([
      'Rolling back does not return the schema to where it was: down does not drop column "users"."phone" added by up',
    ]);
  });
  it('Prisma has no down migrations: never reported', async () => {
    const p = 'prisma/migrations/20240101000000_init/migration.sql';
    expect(await run({ [p]: USERS }, [p])).toEqual([]);
    expect(await run({ [p]: USERS }, [p], { framework: 'prisma' })).toEqual([]);
  });
  it('a plain file with no framework conventions is not reported', async () => {
    expect(await run({ 'schema/change.sql': 'ALTER TABLE users ADD COLUMN phone text;\n' }, ['schema/change.sql'], { base: USERS })).toEqual([]);
  });
});

describe('rule metadata', () => {
  it('every message is exercised above', () => {
    expect(Object.keys(rule.meta.messages).sort()).toEqual(['empty', 'incomplete', 'missingFile', 'missingSection', 'raises']);
  });
});
