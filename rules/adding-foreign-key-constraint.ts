import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'adding-foreign-key-constraint',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    // One finding per problem: an FK without NOT VALID is this rule's; the generic NOT VALID rule's view becomes a note.
    subsumes: ['constraint-missing-not-valid'],
    messages: {
      validating: 'Adding a foreign key to {{table}} takes SHARE ROW EXCLUSIVE on {{table}} and {{ref}}, blocking writes to both while every row of {{table}} is checked',
    },
    docs: {
      summary: 'Require foreign keys on existing tables to be added `NOT VALID` and validated separately',
      what: 'Flags `ADD CONSTRAINT … FOREIGN KEY` and `ADD COLUMN … REFERENCES` on an existing table, unless the constraint is `NOT VALID`.',
      why: 'Adding a foreign key takes SHARE ROW EXCLUSIVE on both the table and the referenced table and, unless `NOT VALID`, checks every existing row while holding it. Writes to both tables are blocked for the whole scan. With `NOT VALID` the lock is held only for a catalog change; `VALIDATE CONSTRAINT` later takes SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.',
      example: {
        bad: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
        good: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
      ],
    },
  },
  create(ctx) {
    return {
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!c || c.kind !== 'foreign' || c.notValid || ctx.isNew(action.relation)) return;
        const table = action.relation?.sql ?? 'the_table';
        const name = c.name ?? `${action.relation?.name ?? 't'}_${c.columns.join('_')}_fkey`;
        const body = c.sql.replace(/^CONSTRAINT\s+("[^"]+"|\S+)\s+/i, '');
        ctx.report(stmt, {
          messageId: 'validating',
          data: { table: label(action.relation), ref: label(c.references, 'the referenced table') },
          span: action.span,
          help: `Add it NOT VALID (a catalog change), then validate without blocking writes, ideally in a separate transaction:\nALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(name)} ${body} NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
        });
      },
      'add-column'(action, stmt) {
        const col = action.columnDef;
        if (!col?.references || ctx.isNew(action.relation)) return;
        const table = action.relation?.sql ?? 'the_table';
        const fk = `${action.relation?.name ?? 't'}_${col.name}_fkey`;
        ctx.report(stmt, {
          messageId: 'validating',
          data: { table: label(action.relation), ref: label(col.references, 'the referenced table') },
          span: action.span,
          help: `Add the column without REFERENCES, then the constraint NOT VALID, then validate it:\nALTER TABLE ${table} ADD COLUMN ${quoteIdent(col.name)} ${col.type?.sql ?? '<type>'};\nALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(fk)} FOREIGN KEY (${quoteIdent(col.name)}) REFERENCES ${col.references.sql} NOT VALID;\nALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(fk)};`,
        });
      },
    };
  },
});
