import { defineRule } from '../src/engine/rule.js';
import { label, quoteLiteral } from '../src/engine/sql.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'ban-alter-enum-add-value-in-transaction',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      fails: '`ALTER TYPE … ADD VALUE` cannot run inside a transaction block before PG 12; Postgres rejects it and the migration fails',
      unusable: 'Enum value {{value}} of {{type}} is used in the transaction that added it; Postgres rejects it ("unsafe use of new value") until that transaction commits',
    },
    docs: {
      summary: 'Disallow using an enum value in the transaction that adds it',
      what: 'Before PG 12, flags `ALTER TYPE … ADD VALUE` inside a transaction (explicit, or a file run in one). From PG 12, flags a later statement of the same transaction that uses the new value as a string constant.',
      why: 'Before PG 12, `ALTER TYPE … ADD VALUE` cannot run inside a transaction block at all. From PG 12 it can, but the new value cannot be used until the transaction that added it has committed: an `UPDATE`, a `DEFAULT` or a `CHECK` that uses it fails with "unsafe use of new value", and the whole migration rolls back.',
      example: {
        bad: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE id = 42;\nCOMMIT;",
        good: "ALTER TYPE order_status ADD VALUE 'refunded';\n-- in a later transaction or migration\nUPDATE orders SET status = 'refunded' WHERE id = 42;",
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-altertype.html',
        'https://www.postgresql.org/docs/12/release-12.html',
      ],
    },
  },
  create(ctx) {
    let added: { value: string; type: string; txId: number }[] = [];
    return {
      'alter-enum-add-value'(action, stmt) {
        if (!stmt.tx.inTransaction) return;
        // Postgres < 12 refuses ADD VALUE in a transaction block (the lock table's row says so).
        if (stmt.noTransaction) {
          ctx.report(stmt, {
            messageId: 'fails',
            help: stmt.tx.explicit
              ? `Move it after COMMIT, outside the transaction:\nCOMMIT;\n${stmt.source.text.trim()};`
              : 'Put it in a migration that runs outside a transaction (for example goose `-- +goose NO TRANSACTION`, Rails `disable_ddl_transaction!`).',
          });
          return;
        }
        const v = action.value;
        if (typeof v === 'string') added.push({ value: v, type: label(action.relation, 'the enum'), txId: stmt.tx.id });
      },
      '*'(stmt: AnalysedStatement) {
        if (added.length === 0) return;
        if (!stmt.tx.inTransaction) { added = []; return; }
        added = added.filter((a) => a.txId === stmt.tx.id);
        if (stmt.kind === 'AlterEnumStmt') return;
        const used = ctx.syntax.stringConstants(stmt);
        for (const a of added) {
          if (!used.has(a.value)) continue;
          ctx.report(stmt, {
            messageId: 'unusable',
            data: { value: quoteLiteral(a.value), type: a.type },
            help: stmt.tx.explicit
              ? `COMMIT after adding the value, and use it in a new transaction:\nCOMMIT;\nBEGIN;\n${stmt.source.text.trim()};`
              : 'Move this statement to a later migration, so it runs after the transaction that adds the value has committed.',
          });
        }
      },
      onFileEnd() {
        added = [];
      },
    };
  },
});
