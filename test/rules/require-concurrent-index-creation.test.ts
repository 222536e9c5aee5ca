import rule from '../../rules/require-concurrent-index-creation.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    { name: 'table created earlier in the same file', sql: sql`
      CREATE TABLE users (id bigint PRIMARY KEY, email text);
      CREATE INDEX users_email_idx ON users (email);
    ` },
    { name: 'quoted, schema-qualified table created in the file', sql: sql`
      CREATE TABLE app."Users" (id bigint);
      CREATE INDEX users_id_idx ON app."Users" (id);
    ` },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX users_email_idx ON users (email);\n',
      errors: [{ messageId: 'blocking', line: 1, column: 1, endLine: 1, endColumn: 46 }],
      output: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    },
    {
      name: 'unique, with comments, two findings',
      sql: sql`
        -- add lookups
        CREATE UNIQUE INDEX users_email_idx ON users (email);
          /* second */ create index if not exists orders_user_idx on app.orders (user_id);
      `,
      errors: [{ messageId: 'blocking', line: 2, column: 1 }, { messageId: 'blocking', line: 3, column: 16 }],
      output: sql`
        -- add lookups
        CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
          /* second */ create index CONCURRENTLY if not exists orders_user_idx on app.orders (user_id);
      `,
    },
    {
      name: 'in a transaction: reported, no fix (CONCURRENTLY would fail there)',
      sql: 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n',
      errors: [{ messageId: 'blocking', line: 2, column: 1 }],
      output: null,
    },
    {
      name: 'assume in transaction: no fix',
      sql: 'CREATE INDEX users_email_idx ON users (email);\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'blocking', line: 1, column: 1 }],
      output: null,
    },
  ],
});
