import rule from '../../rules/require-concurrent-reindex.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'REINDEX INDEX CONCURRENTLY users_email_idx;\n',
    'REINDEX (CONCURRENTLY) TABLE users;\n',
    'REINDEX (VERBOSE, CONCURRENTLY) TABLE app."Users";\n',
    { name: 'table created earlier in the file', sql: sql`
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      REINDEX TABLE users;
    ` },
    { name: 'PG 11 has no concurrent form', sql: 'REINDEX TABLE users;\n', settings: { pgVersion: 11 } },
    'REINDEX SYSTEM app;\n',
  ],
  invalid: [
    {
      sql: 'REINDEX TABLE users;\n',
      errors: [{ messageId: 'blocking', line: 1, column: 1, endLine: 1, endColumn: 20 }],
      output: 'REINDEX TABLE CONCURRENTLY users;\n',
    },
    {
      name: 'PG 12 boundary, index with options, and a quoted schema-qualified table',
      sql: sql`
        -- rebuild
        REINDEX (VERBOSE) INDEX users_email_idx;
        reindex table app."Users";
      `,
      settings: { pgVersion: 12 },
      errors: [{ messageId: 'blocking', line: 2, column: 1 }, { messageId: 'blocking', line: 3, column: 1 }],
      output: sql`
        -- rebuild
        REINDEX (VERBOSE) INDEX CONCURRENTLY users_email_idx;
        reindex table CONCURRENTLY app."Users";
      `,
    },
    {
      name: 'in a transaction: reported, no fix',
      sql: 'BEGIN;\nREINDEX TABLE users;\nCOMMIT;\n',
      errors: [{ messageId: 'blocking', line: 2, column: 1 }],
      output: null,
    },
    {
      name: 'assume in transaction: no fix',
      sql: 'REINDEX SCHEMA app;\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'blocking', line: 1, column: 1 }],
      output: null,
    },
  ],
});
