import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayMigrations } from '../../src/cli/replay.js';

const discoverMigrations = async (paths: string[], o: Parameters<typeof replayMigrations>[1]) => (await replayMigrations(paths, o)).migrations;
import { loadMigration } from '../../src/replay/migrations.js';
import { initParser } from '../../src/source/index.js';
import { migrations } from './helpers.js';

await initParser();

describe('replay: discovery (as pgsafe lint reads the project)', () => {
  it('orders a directory as pgsafe lint does, and leaves out down migrations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-replay-files-'));
    for (const f of ['V1_10__c.sql', 'V1_2__a.sql', 'V1_9__b.sql', '10_x.up.sql', '9_w.up.sql', '9_w.down.sql', 'notes.txt']) writeFileSync(join(dir, f), 'SELECT 1;');
    mkdirSync(join(dir, 'dir.sql'));
    const got = (await discoverMigrations([dir], { config: false })).map((m) => m.path.slice(dir.length + 1));
    expect(got).toEqual(['V1_2__a.sql', 'V1_9__b.sql', 'V1_10__c.sql', '9_w.up.sql', '10_x.up.sql']);
  });

  it('diesel: versions with `-` removed compare as strings, so the default pending file is the real last one (issue 15, bug 2)', async () => {
    const dir = migrations({
      '00000000000000_diesel_initial_setup/up.sql': 'SELECT 1;',
      '20170820000000_b/up.sql': 'SELECT 2;',
      '20170820000000_b/down.sql': 'SELECT 0;',
      '2017-08-31-120000_c/up.sql': 'SELECT 3;',
      '2017-08-05-120000_a/up.sql': 'SELECT 4;',
    });
    const got = await discoverMigrations([dir], { framework: 'diesel', config: false });
    expect(got.map((m) => m.path.slice(dir.length + 1))).toEqual(['00000000000000_diesel_initial_setup/up.sql', '2017-08-05-120000_a/up.sql', '20170820000000_b/up.sql', '2017-08-31-120000_c/up.sql']);
    expect(got.map((m) => m.pending)).toEqual([false, false, false, true]);
    expect(got.every((m) => m.inTransaction)).toBe(true);
  });

  it('goose: the Down section is never run, StatementBegin/End blocks are one statement each (issue 15, bug 1)', async () => {
    const text = [
      '-- +goose Up',
      '-- +goose StatementBegin',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
      '-- +goose StatementEnd',
      '-- +goose StatementBegin',
      'CREATE TABLE t (id int)',
      '-- +goose StatementEnd',
      'ALTER TABLE t ADD COLUMN a int;',
      '-- +goose Down',
      'DROP TABLE t;',
      '',
    ].join('\n');
    const dir = migrations({ '20240101000000_a.sql': 'CREATE TABLE base (id int);\n', '20240102000000_b.sql': text });
    const got = await discoverMigrations([dir], { framework: 'goose', config: false });
    const last = got[1];
    expect(last.pending).toBe(true);
    expect(last.inTransaction).toBe(true);
    const stmts = loadMigration(last).statements;
    expect(stmts.map((s) => [s.kind, s.line])).toEqual([['CreateFunctionStmt', 3], ['CreateStmt', 6], ['AlterTableStmt', 8]]);
    expect(stmts.some((s) => /DROP TABLE/.test(s.text))).toBe(false);
  });

  it('rejects an unknown --framework', async () => {
    await expect(discoverMigrations(['.'], { framework: 'nope', config: false })).rejects.toThrow(/--framework: expected one of/);
  });
});

describe('replay: progress without a terminal', () => {
  it('prints a plain line once the run has been quiet for the interval, nothing before', async () => {
    const { progressLine } = await import('../../src/cli/replay.js');
    const out: string[] = [];
    // A clock the test moves: no real time in the assertion.
    let t = 0;
    const p = progressLine('lines', (s) => out.push(s), 30, () => t);
    p.update('seeding big: 1,000/10,000 rows');
    t = 29;
    p.tick();
    expect(out).toEqual([]);
    t = 40;
    p.tick();
    expect(out).toEqual([expect.stringMatching(/^progress: seeding big: 1,000\/10,000 rows \(\d+ s in\)\n$/)]);
  });
});

describe('replay: masking a connection URL (issue 15, bug 7)', () => {
  it('an unencoded @ in the password never shows, not even in part: the shared masker knows the password', async () => {
    const { displayUrl, rememberUrlPasswords } = await import('../../src/replay/util.js');
    const { maskSecrets } = await import('../../src/report/mask.js');
    const url = 'postgres://admin:hunter2@secret@127.0.0.1:1/app';
    expect(displayUrl(url)).toBe('postgres://admin:****@127.0.0.1:1/app');
    rememberUrlPasswords([url]);
    // A driver echoing the password, raw or URL-encoded, is masked by src/report/mask.ts like any secret.
    const out = maskSecrets(`cannot connect: password hunter2@secret rejected (hunter2%40secret)`);
    expect(out).not.toMatch(/hunter2|secret/);
  });
});
