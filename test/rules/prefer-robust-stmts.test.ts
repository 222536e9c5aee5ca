import { describe, expect, it } from 'vitest';
import rule from '../../rules/prefer-robust-stmts.js';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'a single statement is atomic', sql: 'CREATE TABLE users (id bigint);\n' },
    { name: 'in a transaction', sql: 'BEGIN;\nCREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\n' },
    { name: 'the tool wraps the file', sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN email text;\n', settings: { assumeInTransaction: true } },
    { name: 'guarded statements', sql: sql`
      CREATE TABLE IF NOT EXISTS users (id bigint);
      ALTER TABLE users ADD COLUMN IF NOT EXISTS email text;
      ALTER TABLE users DROP COLUMN IF EXISTS nickname;
      DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
      CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
      DROP TABLE IF EXISTS legacy_users;
    ` },
    { name: "ENABLE ROW LEVEL SECURITY succeeds when re-run (squawk's case 34 disagrees)", sql: 'CREATE TABLE IF NOT EXISTS test();\nALTER TABLE IF EXISTS test ENABLE ROW LEVEL SECURITY;\n' },
    { name: 'settings do not make a file non-atomic', sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN email text;\n" },
  ],
  invalid: [
    {
      name: "squawk's case 33",
      sql: 'select 1; -- so we don\'t skip checking\nCREATE TABLE "core_bar" ( "id" serial NOT NULL PRIMARY KEY, "bravo" text NOT NULL);\n',
      errors: [{ messageId: 'fragile', line: 2, column: 1 }],
    },
    {
      name: 'a concurrent index build is not atomic even alone',
      sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON app."Users" (email);\n',
      errors: [{ messageId: 'fragile', line: 1, column: 1 }],
    },
    {
      name: 'ALTER TABLE subcommands and DROP',
      sql: sql`
        ALTER TABLE users ADD COLUMN email text, DROP COLUMN nickname;
        ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
        DROP TABLE legacy_users;
      `,
      errors: [{ messageId: 'fragile', line: 1, column: 1 }, { messageId: 'fragile', line: 1, column: 42 }, { messageId: 'fragile', line: 2, column: 23 }, { messageId: 'fragile', line: 3, column: 1 }],
    },
  ],
});

describe('prefer-robust-stmts help', () => {
  it('rewrites the user\'s own statements with guards', async () => {
    const { findings } = await lintWith(rule, 'ALTER TABLE users ADD COLUMN api_token uuid;\nALTER TABLE orders\n  ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n');
    expect(findings.map((f) => f.help)).toEqual([
      'Make it idempotent:\nALTER TABLE users ADD COLUMN IF NOT EXISTS api_token uuid;',
      'Drop it first if a failed run left it behind (ADD CONSTRAINT has no IF NOT EXISTS):\nALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_user_id_fkey;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    ]);
  });
});
