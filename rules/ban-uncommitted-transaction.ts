import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
import { txControl } from '../src/analysis/facts.js';

export default defineRule({
  meta: {
    id: 'ban-uncommitted-transaction',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'safe',
    messages: {
      open: '`BEGIN` is never followed by `COMMIT` or `ROLLBACK` in this file: the transaction stays open, holding its locks until the session ends, and its changes are lost if the session closes',
    },
    docs: {
      summary: 'Require every `BEGIN` in a file to be committed',
      what: 'Flags a `BEGIN` or `START TRANSACTION` whose transaction is still open at the end of the file.',
      why: 'A migration runner that executes the file and keeps its connection leaves the transaction open: every lock its statements took stays held, blocking the application, until something ends the session, and then the work is rolled back. Runners that close the connection silently discard the migration.',
      example: {
        bad: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;',
        good: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;',
      },
      fixSafety: 'Safe: the fix appends `COMMIT;` at the end of the file, which is what the author of a `BEGIN` meant.',
      references: [
        'https://www.postgresql.org/docs/current/sql-begin.html',
        'https://www.postgresql.org/docs/current/sql-commit.html',
      ],
    },
  },
  create(ctx) {
    let open: AnalysedStatement | undefined;
    let lastEnd = 0;
    let wrapped = false;
    return {
      '*'(stmt: AnalysedStatement) {
        // A file the migration tool wraps ends with the tool's own COMMIT, which commits an open BEGIN too.
        if (lastEnd === 0 && stmt.tx.inTransaction && !stmt.tx.explicit) wrapped = true;
        lastEnd = stmt.source.end;
      },
      TransactionStmt(stmt: AnalysedStatement) {
        const tx = txControl(stmt);
        if (tx === 'begin' && !stmt.tx.inTransaction) open = stmt;
        else if (tx === 'commit' || tx === 'rollback' || tx === 'prepare') open = undefined;
      },
      onFileEnd() {
        if (open && !wrapped) {
          const end = ctx.text.length;
          // A last statement without its semicolon must not run into the COMMIT.
          const terminated = /^\s*;/.test(ctx.text.slice(lastEnd));
          const nl = ctx.text.endsWith('\n');
          const sep = terminated ? (nl ? '' : '\n') : nl ? ';\n' : '\n;\n';
          ctx.report(open, {
            messageId: 'open',
            help: 'End the transaction at the end of the file:\nCOMMIT;',
            fix: { title: 'Append `COMMIT;`', safety: 'safe', edits: [{ start: end, end, text: `${sep}COMMIT;\n` }] },
          });
        }
        open = undefined;
        lastEnd = 0;
        wrapped = false;
      },
    };
  },
});
