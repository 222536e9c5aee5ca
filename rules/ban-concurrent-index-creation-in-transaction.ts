import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'ban-concurrent-index-creation-in-transaction',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      inTransaction: '`CREATE INDEX CONCURRENTLY` cannot run inside a transaction block; Postgres rejects it and the migration fails',
    },
    docs: {
      summary: 'Disallow `CREATE INDEX CONCURRENTLY` inside a transaction',
      what: 'Flags `CREATE INDEX CONCURRENTLY` after an explicit `BEGIN`, or in a file that runs in a transaction (`--assume-in-transaction`, or a framework that wraps each migration). A wrapped file that holds nothing but statements that cannot run in a transaction (and settings) is taken as a standalone migration, which tools such as Flyway run without one, as squawk does; it is not flagged.',
      why: 'Postgres raises `CREATE INDEX CONCURRENTLY cannot run inside a transaction block`. The migration fails at deploy time, after any earlier statements of the transaction have taken their locks.',
      example: {
        bad: 'BEGIN;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nCOMMIT;',
        good: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      },
      references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY'],
    },
  },
  create(ctx) {
    // In a file the tool wraps (not an explicit BEGIN), a file made only of statements that cannot run in a
    // transaction is the "standalone migration" pattern that several tools (and squawk) run without one;
    // report only when the file also holds other work.
    let deferred: Array<() => void> = [];
    let otherWork = false;
    return {
      '*'(stmt: AnalysedStatement) {
        if (!stmt.noTransaction && stmt.kind !== 'VariableSetStmt' && stmt.kind !== 'VariableShowStmt' && stmt.kind !== 'TransactionStmt') otherWork = true;
      },
      'create-index'(action, stmt) {
        if (!action.concurrently || !stmt.tx.inTransaction) return;
        const report = () => ctx.report(stmt, {
          messageId: 'inTransaction',
          help: stmt.tx.explicit
            ? 'Move the statement after COMMIT, into its own migration without BEGIN.'
            : stmt.tx.optOut
              ? `${stmt.tx.optOut}.`
              : 'Put the statement in a migration that runs outside a transaction (for example goose `-- +goose NO TRANSACTION`, dbmate `-- migrate:up transaction:false`, Rails `disable_ddl_transaction!`).',
        });
        // A framework preset that wraps the file (tx.optOut set) runs it in a transaction whatever else it holds.
        if (stmt.tx.explicit || stmt.tx.optOut) report();
        else deferred.push(report);
      },
      onFileEnd() {
        if (otherWork) for (const r of deferred) r();
        deferred = [];
        otherWork = false;
      },
    };
  },
});
