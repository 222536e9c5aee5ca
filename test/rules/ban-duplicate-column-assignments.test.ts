import rule from '../../rules/ban-duplicate-column-assignments.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'INSERT INTO t (a, b) VALUES (1, 2);\n',
    'UPDATE users SET email = lower(email), name = trim(name) WHERE id = 1;\n',
    { name: 'different fields of one composite column', sql: 'UPDATE t SET a.x = 1, a.y = 2;\nINSERT INTO t (a.x, a.y) VALUES (1, 2);\n' },
    { name: 'case-sensitive quoted names differ', sql: 'UPDATE t SET "A" = 1, a = 2;\n' },
  ],
  invalid: [
    {
      name: 'squawk case 20: every occurrence is reported',
      sql: sql`
        insert into t (a, a)
        values (1, 2);
      `,
      errors: [{ messageId: 'listed', line: 1, column: 16, endColumn: 17 }, { messageId: 'listed', line: 1, column: 19, endColumn: 20 }],
    },
    {
      name: 'UPDATE with a row assignment and a folded name',
      sql: sql`
        UPDATE users
        SET (email, name) = ('a', 'b'),
            EMAIL = 'c',
            "email" = 'd'
        WHERE id = 1;
      `,
      errors: [
        { messageId: 'assigned', line: 2, column: 6, endColumn: 11 },
        { messageId: 'assigned', line: 3, column: 5, endColumn: 10 },
        { messageId: 'assigned', line: 4, column: 5, endColumn: 12 },
      ],
    },
    {
      name: 'whole and partial assignment of one column',
      sql: 'UPDATE t SET a = ROW(1, 2), a.x = 3;\n',
      errors: [{ messageId: 'assigned', line: 1, column: 14 }, { messageId: 'assigned', line: 1, column: 29 }],
    },
    {
      name: 'MERGE and CREATE TABLE',
      sql: sql`
        MERGE INTO t USING s ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET a = 1, a = 2
        WHEN NOT MATCHED THEN INSERT (b, b) VALUES (1, 2);
        CREATE TABLE u (id bigint, id text);
      `,
      errors: [
        { messageId: 'assigned', line: 2, column: 30 },
        { messageId: 'assigned', line: 2, column: 37 },
        { messageId: 'listed', line: 3, column: 31 },
        { messageId: 'listed', line: 3, column: 34 },
        { messageId: 'listed', line: 4, column: 17, endColumn: 19 },
        { messageId: 'listed', line: 4, column: 28, endColumn: 30 },
      ],
    },
  ],
});
