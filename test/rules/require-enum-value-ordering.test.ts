import rule from '../../rules/require-enum-value-ordering.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';\n",
    "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'draft' BEFORE 'paid';\n",
    "ALTER TYPE order_status RENAME VALUE 'paid' TO 'settled';\n",
  ],
  invalid: [
    { sql: "ALTER TYPE my_enum ADD VALUE 'new_value';\n", errors: [{ messageId: 'unordered', line: 1, column: 1, endLine: 1, endColumn: 41 }] },
    {
      name: 'enum known from the file, schema-qualified, IF NOT EXISTS',
      sql: "CREATE TYPE app.status AS ENUM ('draft', 'paid');\n  ALTER TYPE app.status ADD VALUE IF NOT EXISTS 'refunded';\n",
      errors: [{ messageId: 'unordered', line: 2, column: 3 }],
    },
  ],
});
