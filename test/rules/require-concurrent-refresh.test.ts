import rule from '../../rules/require-concurrent-refresh.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;\n',
    'REFRESH MATERIALIZED VIEW order_totals WITH NO DATA;\n',
    { name: 'view created earlier in the file', sql: sql`
      CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, sum(total) FROM orders GROUP BY user_id;
      REFRESH MATERIALIZED VIEW order_totals;
    ` },
  ],
  invalid: [
    {
      sql: 'REFRESH MATERIALIZED VIEW order_totals;\n',
      errors: [{ messageId: 'blocking', line: 1, column: 1, endLine: 1, endColumn: 39 }],
      output: 'REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;\n',
    },
    {
      name: 'quoted, schema-qualified, inside a transaction (CONCURRENTLY is allowed there)',
      sql: 'BEGIN;\n  refresh materialized view app."Totals";\nCOMMIT;\n',
      errors: [{ messageId: 'blocking', line: 2, column: 3 }],
      output: 'BEGIN;\n  refresh materialized view CONCURRENTLY app."Totals";\nCOMMIT;\n',
    },
  ],
});
