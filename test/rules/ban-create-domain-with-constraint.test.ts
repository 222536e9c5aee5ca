import rule from '../../rules/ban-create-domain-with-constraint.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE DOMAIN positive_amount AS numeric(15,5);\n',
    "CREATE DOMAIN email AS text COLLATE \"C\" DEFAULT '';\n",
  ],
  invalid: [
    { sql: 'CREATE DOMAIN domain_name_3 AS NUMERIC(15,5) CHECK (value > 0);\n', errors: [{ messageId: 'constraint', line: 1, column: 46, endLine: 1, endColumn: 63 }] },
    { name: 'NOT NULL, schema-qualified, second line', sql: 'SELECT 1;\nCREATE DOMAIN app.email AS text NOT NULL;\n', errors: [{ messageId: 'constraint', line: 2, column: 33 }] },
  ],
});
