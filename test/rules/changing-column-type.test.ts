import rule from '../../rules/changing-column-type.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'varchar widening, proven by the schema model', sql: sql`
      ALTER TABLE users ADD COLUMN country varchar(20);
      ALTER TABLE users ALTER COLUMN country TYPE varchar(21);
    ` },
    { name: 'varchar to text is binary-compatible', sql: 'ALTER TABLE users ADD COLUMN bio varchar(20);\nALTER TABLE users ALTER COLUMN bio TYPE text;\n' },
    { name: 'table created in the file', sql: 'CREATE TABLE prices (price int);\nALTER TABLE prices ALTER COLUMN price TYPE bigint;\n' },
  ],
  invalid: [
    { name: 'unknown current type', sql: 'ALTER TABLE prices ALTER COLUMN price TYPE bigint;\n', errors: [{ messageId: 'rewrite', line: 1, column: 1 }] },
    {
      name: 'varchar narrowing and int to bigint',
      sql: sql`
        ALTER TABLE users ADD COLUMN country varchar(20), ADD COLUMN score int;
        ALTER TABLE users ALTER COLUMN country TYPE varchar(19);
        ALTER TABLE users ALTER COLUMN score TYPE bigint;
      `,
      errors: [{ messageId: 'rewrite', line: 2, column: 1 }, { messageId: 'rewrite', line: 3, column: 1 }],
    },
  ],
});
