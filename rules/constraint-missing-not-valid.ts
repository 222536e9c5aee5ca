import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'constraint-missing-not-valid',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'unsafe',
    messages: {
      missing: 'Adding {{kind}} constraint {{name}} checks every row of {{table}} while holding {{lock}}, blocking {{blocked}} for the whole scan',
      sameTransaction: '`VALIDATE CONSTRAINT {{name}}` runs in the same transaction that added it `NOT VALID`, so the ACCESS EXCLUSIVE lock from the add is held during the whole validation scan',
    },
    docs: {
      summary: 'Require `NOT VALID` when adding a CHECK or foreign key constraint to an existing table',
      what: 'Flags `ADD CONSTRAINT … CHECK` and `ADD CONSTRAINT … FOREIGN KEY` without `NOT VALID` on an existing table, and `VALIDATE CONSTRAINT` in the same transaction as the `NOT VALID` add.',
      why: 'Without `NOT VALID`, Postgres scans the whole table to check the constraint while holding the lock of the `ADD` (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE for a foreign key), so reads and/or writes wait for the scan. Split it: `NOT VALID` is a catalog-only change, and `VALIDATE CONSTRAINT` takes only SHARE UPDATE EXCLUSIVE. Validating in the same transaction gains nothing: the first lock is still held.',
      example: {
        bad: 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);',
        good: 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;\n-- in a separate transaction:\nALTER TABLE users VALIDATE CONSTRAINT users_age_check;',
      },
      fixSafety: 'Unsafe: the fix appends `NOT VALID` and a separate `VALIDATE CONSTRAINT` statement. If the migration runs in one transaction, move the VALIDATE to a later migration.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-VALIDATE-CONSTRAINT',
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
      ],
    },
  },
  create(ctx) {
    return {
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!c || (c.kind !== 'check' && c.kind !== 'foreign') || c.notValid || ctx.isNew(action.relation)) return;
        const table = action.relation?.sql ?? 'the_table';
        const name = c.name ?? `${action.relation?.name ?? 't'}_${c.columns.join('_') || 'check'}_${c.kind === 'foreign' ? 'fkey' : 'check'}`;
        const single = stmt.actions.length === 1;
        // In a transaction the added VALIDATE would run under the add's lock (and this rule would report it): no fix.
        const fix = single && c.name && !stmt.tx.inTransaction
          ? { title: 'Add `NOT VALID` and a separate `VALIDATE CONSTRAINT`', safety: 'unsafe' as const, edits: [
              { start: stmt.source.end, end: stmt.source.end, text: ` NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)}` },
            ] }
          : undefined;
        const body = c.sql.replace(/^CONSTRAINT\s+("[^"]+"|\S+)\s+/i, '');
        const lock = c.kind === 'foreign' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
        ctx.report(stmt, {
          messageId: 'missing',
          data: { kind: c.kind === 'foreign' ? 'foreign key' : 'CHECK', name: `"${name}"`, table: label(action.relation), lock, blocked: c.kind === 'foreign' ? 'writes' : 'reads and writes' },
          span: action.span,
          help: `Add it NOT VALID, then validate it in a separate transaction:\nALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(name)} ${body} NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
          fix,
        });
      },
      'validate-constraint'(action, stmt) {
        const name = action.constraint?.name;
        if (!name || !stmt.tx.inTransaction) return;
        const con = ctx.schema.table(action.relation)?.constraints.get(name);
        if (!con?.addedAt || con.addedAt.file !== ctx.file || con.addedAt.txId !== stmt.tx.id || ctx.isNew(action.relation)) return;
        ctx.report(stmt, {
          messageId: 'sameTransaction',
          data: { name: `"${name}"` },
          span: action.span,
          help: `COMMIT after adding the constraint, and run the validation in its own transaction (or a later migration):\nALTER TABLE ${action.relation?.sql ?? 'the_table'} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
        });
      },
    };
  },
});
