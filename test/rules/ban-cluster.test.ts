import rule from '../../rules/ban-cluster.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users CLUSTER ON users_created_at_idx;\n',
    { name: 'PG 19: prefer-repack reports it instead', sql: 'CLUSTER users USING users_created_at_idx;\n', settings: { pgVersion: 19 } },
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint PRIMARY KEY);
      CLUSTER users USING users_pkey;
    ` },
  ],
  invalid: [
    { sql: 'CLUSTER users USING users_created_at_idx;\n', settings: { pgVersion: 18 }, errors: [{ messageId: 'rewrite', line: 1, column: 1, endLine: 1, endColumn: 41 }] },
    { name: 'every clustered table, schema-qualified', sql: 'CLUSTER;\nCLUSTER app."Users";\n', errors: [{ messageId: 'rewrite', line: 1, column: 1 }, { messageId: 'rewrite', line: 2, column: 1 }] },
  ],
});
