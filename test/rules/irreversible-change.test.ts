import rule from '../../rules/irreversible-change.js';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';
import { describe, expect, it } from 'vitest';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, phone text, price numeric(12,4), seen_at timestamptz, score float8, name varchar(50), n bigint);\n';

ruleTester(rule, {
  valid: [
    { name: 'table created in the same file holds no data', sql: sql`
      CREATE TABLE users (id bigint PRIMARY KEY, phone text);
      ALTER TABLE users DROP COLUMN phone;
      TRUNCATE users;
      DELETE FROM users;
      DROP TABLE users;
    ` },
    { name: 'varchar narrowing fails on a long value instead of losing it', sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20);\n' },
    { name: 'bigint to integer fails on overflow instead of losing data', sql: sql`
      BEGIN;
      ALTER TABLE users ALTER COLUMN n TYPE integer;
      COMMIT;
    ` },
    { name: 'widening numeric scale loses nothing', sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric(14,6);\n', settings: { schema: USERS } },
    { name: 'old type unknown: not claimed lossy', sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(10,0);\n' },
    'DROP FOREIGN TABLE remote_users;\n',
    { name: 'DROP SCHEMA without CASCADE fails on a non-empty schema', sql: 'DROP SCHEMA legacy;\n' },
    { name: 'a schema created in the same file', sql: 'CREATE SCHEMA staging;\nDROP SCHEMA staging CASCADE;\n' },
    'INSERT INTO users (id) VALUES (1);\n',
    { name: 'dollar-quoted function body is not a DELETE', sql: "CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM users $$;\n" },
  ],
  invalid: [
    {
      name: 'drop column (existing table)',
      sql: 'ALTER TABLE users DROP COLUMN phone;\n',
      errors: [{ messageId: 'dropColumn', line: 1, column: 1, endLine: 1, endColumn: 36 }],
    },
    {
      name: 'drop table, schema-qualified and quoted, after a comment',
      sql: '-- retire the old table\nDROP TABLE IF EXISTS app."LegacyUsers";\n',
      errors: [{ messageId: 'dropTable', line: 2, column: 1, endLine: 2, endColumn: 39 }],
    },
    {
      name: 'truncate and delete: two findings',
      sql: sql`
        TRUNCATE audit_log;
          DELETE FROM sessions WHERE expires_at < now();
      `,
      errors: [{ messageId: 'truncate', line: 1, column: 1 }, { messageId: 'delete', line: 2, column: 3 }],
    },
    {
      name: 'numeric scale decrease rounds (the table comes from an earlier migration)',
      sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);\n',
      settings: { schema: USERS },
      errors: [{ messageId: 'narrowing', line: 1, column: 1, endColumn: 56 }],
    },
    {
      name: 'DROP SCHEMA … CASCADE',
      sql: '-- gone\nDROP SCHEMA IF EXISTS legacy CASCADE;\n',
      errors: [{ messageId: 'dropSchema', line: 2, column: 1, endLine: 2, endColumn: 37 }],
    },
    {
      name: 'DELETE without WHERE, inside an explicit transaction',
      sql: 'BEGIN;\nDELETE FROM users;\nCOMMIT;\n',
      errors: [{ messageId: 'delete', line: 2, column: 1 }],
    },
  ],
});

describe('irreversible-change messages and type losses', () => {
  // Types are only known for tables the run saw created; these lint two files so the second one's table is not new.
  const lintTwo = async (second: string) => {
    const { lint } = await import('../../src/engine/engine.js');
    const [, r] = await lint([{ path: 'a.sql', text: USERS, lint: false }, { path: 'b.sql', text: second }], { rules: [rule], pgVersion: 15, assumeInTransaction: false });
    return r.findings;
  };
  it.each([
    ['price TYPE numeric(12,2)', 'rounds every value to 2 decimal places'],
    ['price TYPE integer', 'rounds every value to a whole number'],
    ['seen_at TYPE date', 'drops the time of day from every value'],
    ['seen_at TYPE timestamptz(0)', 'rounds fractional seconds to 0 digits'],
    ['score TYPE real', 'keeps only about 6 significant digits of every value'],
    ['score TYPE bigint', 'rounds every value to a whole number'],
  ])('%s: %s', async (change, loss) => {
    const f = await lintTwo(`ALTER TABLE users ALTER COLUMN ${change};\n`);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(loss);
    expect(f[0].help).toMatch(/^Keep the exact values before converting/);
    expect(f[0].help).toContain('SELECT id, ');
  });
  it.each(['name TYPE varchar(10)', 'n TYPE integer', 'price TYPE numeric(20,4)', 'seen_at TYPE timestamp', 'phone TYPE varchar(20)'])('%s loses nothing silently', async (change) => {
    expect(await lintTwo(`ALTER TABLE users ALTER COLUMN ${change};\n`)).toEqual([]);
  });
  it('drop column: names what is lost and backs it up with the primary key', async () => {
    const [f] = await lintTwo('ALTER TABLE users DROP COLUMN phone;\n');
    expect(f.message).toBe('`DROP COLUMN` deletes every value of "phone" in "users"; no down migration can bring them back');
    expect(f.help).toBe(
      'Make it a multi-phase change: stop writing "phone" in the application and deploy, wait until no running version uses it, back it up, then drop it in a later migration:\n' +
        'CREATE TABLE users_phone_backup AS SELECT id, phone FROM users;\n-- later: ALTER TABLE users DROP COLUMN phone;',
    );
  });
  it('delete keeps the WHERE in the backup query', async () => {
    const { findings } = await lintWith(rule, 'DELETE FROM sessions WHERE expires_at < now();\n');
    expect(findings[0].help).toContain('CREATE TABLE sessions_deleted AS SELECT * FROM sessions WHERE expires_at < now();');
  });
  it('is silent on the rollback path', async () => {
    const { lint } = await import('../../src/engine/engine.js');
    const [r] = await lint([{ path: 'up.sql', text: 'SELECT 1;\n', rollback: { path: 'down.sql', text: 'ALTER TABLE users DROP COLUMN phone;\n' } }], { rules: [rule], pgVersion: 15, assumeInTransaction: false });
    expect(r.rollback?.findings).toEqual([]);
  });
});
