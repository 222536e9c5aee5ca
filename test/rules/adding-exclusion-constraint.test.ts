import rule from '../../rules/adding-exclusion-constraint.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE bookings (room_id int, during tsrange, EXCLUDE USING gist (room_id WITH =, during WITH &&));\n',
    { name: 'table created earlier in the file', sql: sql`
      CREATE TABLE bookings (room_id int, during tsrange);
      ALTER TABLE bookings ADD CONSTRAINT bookings_excl EXCLUDE USING gist (room_id WITH =, during WITH &&);
    ` },
    'ALTER TABLE bookings ADD CONSTRAINT bookings_room_key UNIQUE (room_id);\n',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT bookings_excl EXCLUDE USING gist (room_id WITH =, during WITH &&);\n',
      errors: [{ messageId: 'build', line: 1, column: 26, endLine: 1, endColumn: 102 }],
    },
    {
      name: 'unnamed, schema-qualified, in a transaction',
      sql: 'BEGIN;\nALTER TABLE app."Bookings" ADD EXCLUDE (name WITH =);\nCOMMIT;\n',
      errors: [{ messageId: 'build', line: 2, column: 32 }],
    },
  ],
});
