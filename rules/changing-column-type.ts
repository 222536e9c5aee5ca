import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'changing-column-type',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      rewrite: 'Changing the type of {{table}}.{{column}} holds {{lock}}, blocking {{blocked}}, while it {{reason}}',
    },
    docs: {
      summary: 'Disallow column type changes that rewrite the table',
      what: 'Flags `ALTER COLUMN … TYPE` on an existing table unless pgsafe can prove the change binary-coercible from the column\'s known type: `varchar(n)` to a larger `varchar` or to `text`, `numeric(p,s)` to a larger precision with the same scale, `cidr` to `inet`. When the old type is unknown (the column was created outside the linted files), the rule reports it, because a rewrite cannot be ruled out.',
      why: 'Most type changes rewrite the whole table and rebuild every index while holding ACCESS EXCLUSIVE: reads and writes wait for the full rewrite, minutes on a large table. The running application may also break on the new type.',
      example: {
        bad: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
        good: '-- add a new column, dual-write, backfill in batches, then swap:\nALTER TABLE users ADD COLUMN id_new bigint;',
      },
      whenNotToUse: 'When the old type is unknown to pgsafe and you know the change is binary-coercible; lint the file together with the migration that created the column so the schema model knows it.',
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
    },
  },
  create(ctx) {
    return {
      'alter-column-type'(action, stmt) {
        if (action.cost !== 'rewrite' || ctx.isNew(action.relation)) return;
        const reason = action.oldType
          ? `rewrites the table and rebuilds its indexes (${action.oldType.sql} → ${action.newType?.sql ?? '?'})`
          : `may rewrite the table (its current type is unknown to pgsafe)`;
        const t = action.relation?.sql ?? 'the_table';
        ctx.report(stmt, {
          messageId: 'rewrite',
          data: { table: label(action.relation), column: `"${action.column}"`, reason, ...lockPhrase(stmt, action.relation) },
          span: action.span,
          help: `Add a new column of the new type, write to both from the app, backfill in batches, then switch reads and drop the old column:\nALTER TABLE ${t} ADD COLUMN ${quoteIdent(`${action.column}_new`)} ${action.newType?.sql ?? '<type>'};`,
        });
      },
    };
  },
});
