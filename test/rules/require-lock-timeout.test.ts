import rule from '../../rules/require-lock-timeout.js';
import { describe, expect, it } from 'vitest';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\n",
    { name: 'SET LOCAL in the transaction', sql: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n" },
    { name: 'only new tables', sql: 'CREATE TABLE users (id bigint);\nCREATE INDEX users_id_idx ON users (id);\n' },
    { name: 'COMMENT takes SHARE UPDATE EXCLUSIVE, which blocks no reads or writes', sql: "COMMENT ON COLUMN t.c IS 'an opaque id';\n" },
    'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
  ],
  invalid: [
    {
      sql: "SET statement_timeout = '5s';\nALTER TABLE t ADD COLUMN c BOOLEAN;\n",
      errors: [{ messageId: 'missing', line: 2, column: 1 }],
      output: "SET statement_timeout = '5s';\nSET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c BOOLEAN;\n",
    },
    {
      name: "pgfence: lock_timeout set only after the statement; reported once",
      sql: sql`
        ALTER TABLE appointments ALTER COLUMN status SET NOT NULL;
        CREATE INDEX appointments_status_idx ON appointments (status);
        SET lock_timeout = '2s';
      `,
      errors: [{ messageId: 'missing', line: 1, column: 1 }],
      output: sql`
        SET lock_timeout = '2s';
        ALTER TABLE appointments ALTER COLUMN status SET NOT NULL;
        CREATE INDEX appointments_status_idx ON appointments (status);
        SET lock_timeout = '2s';
      `,
    },
    {
      name: 'SET LOCAL outside a transaction has no effect; lock_timeout = 0 waits forever',
      sql: "SET LOCAL lock_timeout = '2s';\nSET lock_timeout = 0;\nDROP TABLE app.\"Legacy\";\n",
      errors: [{ messageId: 'missing', line: 3, column: 1 }],
      output: "SET LOCAL lock_timeout = '2s';\nSET lock_timeout = 0;\nSET lock_timeout = '2s';\nDROP TABLE app.\"Legacy\";\n",
    },
  ],
});

describe('an index pgsafe has not seen is not named as the table', () => {
  it('DROP INDEX and REINDEX INDEX name "the table of index …"; a known index names its table', async () => {
    for (const text of ['DROP INDEX users_email_idx;\n', 'REINDEX INDEX users_email_idx;\n']) {
      const [f] = (await lintWith(rule, text)).findings;
      expect(f.message).toContain('on the table of index "users_email_idx"');
    }
    const [known] = (await lintWith(rule, 'DROP INDEX users_email_idx;\n', { schema: 'CREATE TABLE users (email text);\nCREATE INDEX users_email_idx ON users (email);\n' })).findings;
    expect(known.message).toContain('on "users"');
  });
});
