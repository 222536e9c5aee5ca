import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-set-logged-unlogged',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      rewrite: '`SET {{mode}}` rewrites {{table}} while holding {{lock}}, blocking {{blocked}} until the whole table{{wal}} is copied',
    },
    docs: {
      summary: 'Disallow `ALTER TABLE … SET LOGGED` and `SET UNLOGGED` on existing tables',
      what: 'Flags `ALTER TABLE … SET LOGGED` and `ALTER TABLE … SET UNLOGGED` on a table that was not created earlier in the same migration.',
      why: 'Changing a table\'s persistence writes a new copy of the table and its indexes under ACCESS EXCLUSIVE; `SET LOGGED` also writes the whole table to the WAL (and so to every replica). Reads and writes wait for the whole copy. An unlogged table is also emptied after a crash and is not replicated, which is rarely what a production table should be.',
      example: {
        bad: 'ALTER TABLE events SET UNLOGGED;',
        good: '-- create the table with the persistence it needs from the start\nCREATE UNLOGGED TABLE events_buffer (LIKE events INCLUDING ALL);',
      },
      whenNotToUse: 'During a bulk load into a table nobody else uses yet.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-LOGGED-UNLOGGED',
        'https://www.postgresql.org/docs/current/sql-createtable.html#SQL-CREATETABLE-UNLOGGED',
      ],
    },
  },
  create(ctx) {
    const check = (mode: 'LOGGED' | 'UNLOGGED') => (action: import('../src/analysis/types.js').Action, stmt: import('../src/analysis/types.js').AnalysedStatement) => {
      if (ctx.isNew(action.relation)) return;
      const t = action.relation?.name ?? 'the_table';
      ctx.report(stmt, {
        messageId: 'rewrite',
        data: { mode, table: label(action.relation), wal: mode === 'LOGGED' ? ' and its WAL' : '', ...lockPhrase(stmt, action.relation) },
        span: action.span,
        help: `Run it in a maintenance window, or create ${mode === 'LOGGED' ? 'a logged' : 'an unlogged'} table and move the rows in batches:\nCREATE ${mode === 'UNLOGGED' ? 'UNLOGGED ' : ''}TABLE ${t}_new (LIKE ${action.relation?.sql ?? t} INCLUDING ALL);`,
      });
    };
    return { 'set-logged': check('LOGGED'), 'set-unlogged': check('UNLOGGED') };
  },
});
