import rule from '../../rules/ban-alter-domain-with-add-constraint.js';
import { ruleTester } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0) NOT VALID;\n',
    'ALTER DOMAIN positive_amount DROP CONSTRAINT positive_amount_check;\n',
    'ALTER DOMAIN positive_amount SET DEFAULT 1;\n',
  ],
  invalid: [
    { sql: 'ALTER DOMAIN domain_name ADD CONSTRAINT constraint_name CHECK (value > 0);\n', errors: [{ messageId: 'add', line: 1, column: 1, endLine: 1, endColumn: 74 }] },
    { name: 'VALIDATE, schema-qualified', sql: 'SELECT 1;\nALTER DOMAIN app.amount VALIDATE CONSTRAINT amount_check;\n', errors: [{ messageId: 'validate', line: 2, column: 1 }] },
  ],
});
