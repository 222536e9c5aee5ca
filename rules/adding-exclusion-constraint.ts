import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'adding-exclusion-constraint',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      build: 'Adding exclusion constraint {{name}} builds its index while holding {{lock}} on {{table}}, blocking {{blocked}} for the whole build; Postgres has no concurrent form',
    },
    docs: {
      summary: 'Disallow adding exclusion constraints to existing tables',
      what: 'Flags `ALTER TABLE … ADD CONSTRAINT … EXCLUDE` on a table that was not created earlier in the same migration.',
      why: 'An exclusion constraint is backed by an index that is built, and every row checked against every other, while ACCESS EXCLUSIVE is held: all reads and writes of the table wait for the whole build. Unlike UNIQUE or PRIMARY KEY, there is no `USING INDEX` form and no `NOT VALID` form, so there is no way to add one to a populated table without that outage.',
      example: {
        bad: 'ALTER TABLE bookings ADD CONSTRAINT bookings_room_during_excl EXCLUDE USING gist (room_id WITH =, during WITH &&);',
        good: '-- create the table with the constraint, then copy rows into it in batches\nCREATE TABLE bookings_new (LIKE bookings INCLUDING ALL, EXCLUDE USING gist (room_id WITH =, during WITH &&));',
      },
      whenNotToUse: 'On a small table, or in a maintenance window where the block is accepted.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT',
        'https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-EXCLUSION',
      ],
    },
  },
  create(ctx) {
    return {
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!c || c.kind !== 'exclusion' || ctx.isNew(action.relation)) return;
        const t = action.relation?.sql ?? 'the_table';
        const name = c.name ?? `${action.relation?.name ?? 't'}_excl`;
        const body = c.sql.replace(/^CONSTRAINT\s+("[^"]+"|\S+)\s+/i, '');
        ctx.report(stmt, {
          messageId: 'build',
          data: { name: `"${name}"`, table: label(action.relation), ...lockPhrase(stmt, action.relation) },
          span: action.span,
          help: `There is no non-blocking way to add it: run it in a maintenance window, or create a new table with the constraint and move the rows in batches:\nCREATE TABLE ${action.relation?.name ?? 'the_table'}_new (LIKE ${t} INCLUDING ALL, ${body});`,
        });
      },
    };
  },
});
