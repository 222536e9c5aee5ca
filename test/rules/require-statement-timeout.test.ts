import rule from '../../rules/require-statement-timeout.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

const SCHEMA = 'CREATE TABLE users (id int PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id int);\n';

ruleTester(rule, {
  valid: [
    "SET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n",
    { name: 'SET LOCAL inside the transaction', sql: "BEGIN;\nSET LOCAL statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\nCOMMIT;\n" },
    { name: 'only new tables', sql: sql`
      CREATE TABLE users (id bigint);
      CREATE INDEX users_id_idx ON users (id);
    ` },
    { name: 'instant DDL: once its lock is granted it is done (require-lock-timeout covers the wait)', sql: 'ALTER TABLE users ADD COLUMN nickname text;\nCOMMENT ON COLUMN users.email IS \'login\';\nALTER TABLE users RENAME COLUMN email TO login;\n', settings: { schema: SCHEMA } },
    { name: 'DML: a backfill is unbatched-backfill\'s problem, a keyed update is quick', sql: "UPDATE users SET email = 'x';\nUPDATE users SET email = 'x' WHERE id = 1;\n", settings: { schema: SCHEMA } },
    'SELECT 1;\n',
    { name: 'online operations are long by design: no timeout is advised before them', sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nDROP INDEX CONCURRENTLY users_email_idx;\nREINDEX INDEX CONCURRENTLY users_pkey;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n', settings: { schema: SCHEMA } },
    { name: 'a long timeout before an online operation is fine', sql: "SET statement_timeout = '2h';\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n", settings: { schema: SCHEMA } },
    { name: 'VACUUM loses nothing when cancelled', sql: "SET statement_timeout = '5s';\nVACUUM users;\n", settings: { schema: SCHEMA } },
  ],
  invalid: [
    {
      name: 'a rewrite under ACCESS EXCLUSIVE',
      sql: "SET lock_timeout = '1s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n",
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'missing', line: 2, column: 1 }],
      output: "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN id TYPE bigint;\n",
    },
    {
      name: 'reported once per file, at the first heavy statement; SET LOCAL outside a transaction has no effect',
      sql: sql`
        SET LOCAL statement_timeout = '5s';
        ALTER TABLE users ADD COLUMN nickname text;
        CREATE INDEX users_email_idx ON users (email);
        ALTER TABLE users ALTER COLUMN email SET NOT NULL;
      `,
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'missing', line: 3, column: 1 }],
      output: sql`
        SET LOCAL statement_timeout = '5s';
        ALTER TABLE users ADD COLUMN nickname text;
        SET statement_timeout = '5s';
        CREATE INDEX users_email_idx ON users (email);
        ALTER TABLE users ALTER COLUMN email SET NOT NULL;
      `,
    },
    {
      name: 'in a transaction the fix is SET LOCAL',
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
      settings: { schema: SCHEMA, assumeInTransaction: true },
      errors: [{ messageId: 'missing', line: 1, column: 1 }],
      output: "SET LOCAL statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
    },
    {
      name: 'a validating ADD CONSTRAINT: reported, but no fix (NOT VALID + VALIDATE is the fix, and VALIDATE must not get a short timeout)',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);\n',
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'missing', line: 1, column: 1 }],
      output: null,
    },
    {
      name: 'RESET restores the default',
      sql: "SET statement_timeout = '5s';\nRESET ALL;\nVACUUM FULL users;\n",
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'missing', line: 3, column: 1 }],
      output: "SET statement_timeout = '5s';\nRESET ALL;\nSET statement_timeout = '5s';\nVACUUM FULL users;\n",
    },
    {
      name: 'a short timeout in force before online operations: reported at the first (lifting it there covers the rest)',
      sql: sql`
        SET statement_timeout = '5s';
        CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
        ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
        DROP INDEX CONCURRENTLY users_email_idx;
      `,
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'cancels', line: 2, column: 1 }],
      output: sql`
        SET statement_timeout = '5s';
        SET statement_timeout = 0;
        CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
        ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;
        DROP INDEX CONCURRENTLY users_email_idx;
      `,
    },
    {
      name: 'SET LOCAL lift inside a transaction',
      sql: "BEGIN;\nSET LOCAL statement_timeout = '30s';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\nCOMMIT;\n",
      settings: { schema: SCHEMA },
      errors: [{ messageId: 'cancels', line: 3, column: 1 }],
      output: "BEGIN;\nSET LOCAL statement_timeout = '30s';\nSET LOCAL statement_timeout = 0;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\nCOMMIT;\n",
    },
  ],
});
