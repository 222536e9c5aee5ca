// Down discovery by usual names and markers, down classification, and the lint inputs `withRollback` prepares.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParser } from '../../src/source/index.js';
import { blankOutside, classifyDown, findDown, isDownFile, sectionMarkers } from '../../src/rollback/down.js';
import { flattenRollback, withRollback } from '../../src/rollback/inputs.js';
import { lint } from '../../src/engine/engine.js';
import { rules } from '../../rules/index.js';
import { runCli } from '../helpers/cli.js';

const FIX = 'fixtures/rollback';
const read = (p: string) => readFileSync(p, 'utf8');

beforeAll(() => initParser());

describe('findDown on the fixtures, by usual names (no preset)', () => {
  it.each([
    [`${FIX}/golang-migrate/000001_create_users.up.sql`, 'golang-migrate', 'file', `${FIX}/golang-migrate/000001_create_users.down.sql`, 'present'],
    [`${FIX}/golang-migrate/000003_drop_email_idx.up.sql`, 'golang-migrate', 'file', `${FIX}/golang-migrate/000003_drop_email_idx.down.sql`, 'missing'],
    [`${FIX}/goose/20240102000000_add_phone.sql`, 'goose', 'section', `${FIX}/goose/20240102000000_add_phone.sql`, 'empty'],
    [`${FIX}/goose/20240103000000_email_index.sql`, 'goose', 'section', `${FIX}/goose/20240103000000_email_index.sql`, 'present'],
    [`${FIX}/dbmate/20240102000000_drop_legacy.sql`, 'dbmate', 'section', `${FIX}/dbmate/20240102000000_drop_legacy.sql`, 'raises'],
    [`${FIX}/dbmate/20240103000000_add_phone.sql`, 'dbmate', 'section', `${FIX}/dbmate/20240103000000_add_phone.sql`, 'missing'],
    [`${FIX}/flyway/V1__create_users.sql`, 'flyway', 'file', `${FIX}/flyway/U1__create_users.sql`, 'present'],
    [`${FIX}/flyway/V2__add_phone.sql`, 'flyway', 'file', `${FIX}/flyway/U2__add_phone.sql`, 'missing'],
    [`${FIX}/diesel/2024-01-01-000000_create_users/up.sql`, 'diesel', 'file', `${FIX}/diesel/2024-01-01-000000_create_users/down.sql`, 'present'],
    [`${FIX}/diesel/2024-01-02-000000_add_phone/up.sql`, 'diesel', 'file', `${FIX}/diesel/2024-01-02-000000_add_phone/down.sql`, 'missing'],
  ])('%s', (path, framework, kind, downPath, state) => {
    const d = findDown(path, read(path));
    expect(d && { framework: d.framework, kind: d.kind, path: d.path, state: d.state, expected: d.expected }).toEqual({ framework, kind, path: downPath, state, expected: true });
  });
  it('Prisma: known, and no down expected', () => {
    const p = `${FIX}/prisma/20240101000000_init/migration.sql`;
    expect(findDown(p, read(p))).toMatchObject({ framework: 'prisma', expected: false });
  });
  it('down files are not up migrations', () => {
    for (const p of ['a/1_x.down.sql', 'a/down.sql', 'a/U2__x.sql', 'a/U1_1__x.sql']) expect(isDownFile(p)).toBe(true);
    for (const p of ['a/1_x.up.sql', 'a/up.sql', 'a/V2__x.sql', 'a/undo_notes.sql']) expect(isDownFile(p)).toBe(false);
    expect(isDownFile('db/revert/add_phone.sql', 'sqitch')).toBe(true);
    expect(isDownFile('db/deploy/add_phone.sql', 'sqitch')).toBe(false);
  });
  it('through the presets (src/config/frameworks) when a framework is named', () => {
    const p = `${FIX}/goose/20240103000000_email_index.sql`;
    expect(findDown(p, read(p), { framework: 'goose' })).toMatchObject({ framework: 'goose', kind: 'section', state: 'present' });
    const g = `${FIX}/golang-migrate/000002_add_phone.up.sql`;
    expect(findDown(g, read(g), { framework: 'golang-migrate' })).toMatchObject({ kind: 'file', path: `${FIX}/golang-migrate/000002_add_phone.down.sql`, state: 'present' });
  });
});

describe('classifyDown', () => {
  it.each([
    ['', 'empty'],
    ['-- nothing to undo\n', 'empty'],
    ['BEGIN;\nCOMMIT;\n', 'empty'],
    ["DO $$ BEGIN RAISE EXCEPTION 'irreversible'; END $$;", 'raises'],
    ["DO $$\nBEGIN\n  RAISE 'no way back';\nEND\n$$;", 'raises'],
    ["DO $$ BEGIN RAISE SQLSTATE '22000'; END $$;", 'raises'],
    ['SELECT 1/0;', 'raises'],
    ["DO $$ BEGIN RAISE NOTICE 'ok'; END $$;", 'present'],
    ['DROP TABLE users;', 'present'],
    ["DO $$ BEGIN RAISE NOTICE 'dropping'; DROP TABLE users; END $$;", 'present'],
  ])('%j → %s', (text, state) => expect(classifyDown(text)).toBe(state));
});

describe('sections', () => {
  it('blankOutside keeps offsets and lines', () => {
    const t = '-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n';
    const m = sectionMarkers(t)!;
    const down = blankOutside(t, m.down!);
    expect(down.length).toBe(t.length);
    expect(down.split('\n').length).toBe(t.split('\n').length);
    expect(down.trim()).toBe('-- +goose Down\nDROP TABLE a;');
  });
});

describe('withRollback', () => {
  it('keeps positions, pairs down files with their ups and lints downs after them', async () => {
    const dir = `${FIX}/golang-migrate`;
    const names = ['000001_create_users.down.sql', '000001_create_users.up.sql', '000002_add_phone.down.sql', '000002_add_phone.up.sql', '000003_drop_email_idx.up.sql'];
    const inputs = names.map((n) => ({ path: join(dir, n), text: read(join(dir, n)) }));
    const ready = await withRollback(inputs);
    expect(ready.map((i) => i.path)).toEqual(inputs.map((i) => i.path));
    expect(ready.map((i) => [i.rollbackOf ?? null, i.lint ?? true, i.down?.state ?? null, i.rollback?.path ?? null])).toEqual([
      [join(dir, names[1]), false, null, null],
      [null, true, 'present', join(dir, names[0])],
      [join(dir, names[3]), false, null, null],
      [null, true, 'present', join(dir, names[2])],
      [null, true, 'missing', null],
    ]);
    const results = await lint(ready, { rules, pgVersion: 15, assumeInTransaction: false });
    expect(results).toHaveLength(5);
    const flat = flattenRollback(results, ready);
    expect(flat.map((r) => r.path)).toEqual([names[1], names[0], names[3], names[2], names[4]].map((n) => join(dir, n)));
    expect(flat[1].findings.every((f) => f.rollback && f.message.endsWith('(rollback path)'))).toBe(true);
    expect(flat[0].findings.some((f) => f.rollback)).toBe(false);
  });
});

describe('pgsafe lint on the framework fixtures (CLI)', () => {
  const lintCli = async (path: string) => {
    const r = await runCli(['lint', path, '--format', 'gcc', '--enable', 'require-down-migration'], { cwd: resolve(__dirname, '../..') });
    return r.stdout.split('\n').filter((l) => l.includes('[require-down-migration]') || l.includes('(rollback path)'));
  };
  it('goose: empty Down reported, non-concurrent index in a Down reported as the rollback path', async () => {
    const out = await lintCli(`${FIX}/goose`);
    expect(out).toContain(`${FIX}/goose/20240102000000_add_phone.sql:2:1: warning: The down migration (\`-- +goose Down\` section) is empty: rolling back changes nothing, so this migration has no rollback [require-down-migration]`);
    expect(out).toContain(`${FIX}/goose/20240103000000_email_index.sql:7:1: error: \`CREATE INDEX\` on "users" takes a SHARE lock and blocks writes to it until the whole index is built (rollback path) [require-concurrent-index-creation]`);
  });
  it('golang-migrate: a forgotten column and a missing down file', async () => {
    const out = await lintCli(`${FIX}/golang-migrate`);
    expect(out).toContain(`${FIX}/golang-migrate/000002_add_phone.up.sql:1:1: warning: Rolling back does not return the schema to where it was: down does not drop column "users"."phone" added by up [require-down-migration]`);
    expect(out).toContain(`${FIX}/golang-migrate/000003_drop_email_idx.up.sql:1:1: warning: No down migration: "000003_drop_email_idx.down.sql" does not exist, so this golang-migrate migration has no rollback [require-down-migration]`);
  });
  it('prisma: nothing about rollbacks', async () => {
    expect(await lintCli(`${FIX}/prisma`)).toEqual([]);
  });
});
