import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';
import { factHolds } from '../src/analysis/lock-table.js';

export default defineRule({
  meta: {
    id: 'adding-not-nullable-field',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      scan: '`SET NOT NULL` on {{table}}.{{column}} scans the whole table while holding {{lock}}, blocking {{blocked}}',
    },
    docs: {
      summary: 'Disallow `SET NOT NULL` on existing tables without a validated `CHECK (col IS NOT NULL)`',
      what: 'Flags `ALTER COLUMN … SET NOT NULL` on an existing table. From PG 12 on, it is not flagged when a validated `CHECK (col IS NOT NULL)` constraint on that column is known, because Postgres then skips the scan.',
      why: '`SET NOT NULL` takes ACCESS EXCLUSIVE and checks every row, so all reads and writes wait for a full table scan. From PG 12, Postgres skips the scan when a valid CHECK constraint proves the column has no NULLs; that CHECK can be added `NOT VALID` and validated under a weaker lock first.',
      example: {
        bad: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        good: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL',
        'https://www.postgresql.org/docs/12/release-12.html',
      ],
    },
  },
  create(ctx) {
    return {
      'set-not-null'(action, stmt) {
        if (action.cost !== 'scan' || ctx.isNew(action.relation) || !action.column) return;
        const t = action.relation?.sql ?? 'the_table';
        const col = quoteIdent(action.column);
        const check = quoteIdent(`${action.relation?.name ?? 't'}_${action.column}_not_null`);
        const help = factHolds('set-not-null-proven', ctx.settings.pgVersion)
          ? `Prove it with a CHECK first, validated under a lock that lets reads and writes continue; SET NOT NULL then skips the scan (PG 12+):\nALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};`
          : `Before PG 12 there is no scan-free way; enforce it with a validated CHECK instead:\nALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`;
        ctx.report(stmt, { messageId: 'scan', data: { table: label(action.relation), column: `"${action.column}"`, ...lockPhrase(stmt, action.relation) }, span: action.span, help });
      },
    };
  },
});
