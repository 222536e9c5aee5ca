import rule from '../../rules/require-concurrent-partition-detach.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;\n',
    'ALTER TABLE measurements DETACH PARTITION measurements_2023 FINALIZE;\n',
    { name: 'PG 13 has no concurrent form', sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;\n', settings: { pgVersion: 13 } },
    { name: 'partitioned table created in the file', sql: sql`
      CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);
      ALTER TABLE measurements DETACH PARTITION measurements_2023;
    ` },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;\n',
      settings: { pgVersion: 14 },
      errors: [{ messageId: 'blocking', line: 1, column: 1, endLine: 1, endColumn: 60 }],
      output: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;\n',
    },
    {
      name: 'schema-qualified, in a transaction: no fix',
      sql: sql`
        BEGIN;
        ALTER TABLE app."Measurements" DETACH PARTITION app.m_2023;
        COMMIT;
      `,
      errors: [{ messageId: 'blocking', line: 2, column: 1 }],
      output: null,
    },
  ],
});
