import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'ban-drop-database',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      drop: '`DROP DATABASE` {{name}} deletes the whole database and every object in it, and it cannot be rolled back',
    },
    docs: {
      summary: 'Disallow `DROP DATABASE` in migrations',
      what: 'Flags every `DROP DATABASE`, with or without `IF EXISTS`.',
      why: '`DROP DATABASE` removes the database\'s files at once; it cannot run in a transaction, so no rollback brings it back, and `FORCE` also terminates every session connected to it. A migration is the wrong place for it: one mistaken environment variable and a production database is gone.',
      example: {
        bad: 'DROP DATABASE analytics;',
        good: '-- drop databases by hand, after a backup, outside the migration history',
      },
      whenNotToUse: 'In scripts that set up throwaway test databases.',
      references: [
        'https://www.postgresql.org/docs/current/sql-dropdatabase.html',
      ],
    },
  },
  create(ctx) {
    return {
      'drop-database'(action, stmt) {
        const name = action.name;
        ctx.report(stmt, {
          messageId: 'drop',
          data: { name: name ? `"${name}"` : '' },
          help: `Remove it from the migration; take a backup and drop the database by hand if it really has to go:\n-- pg_dump --format=custom ${name ?? '<database>'} > ${name ?? 'database'}.dump`,
        });
      },
    };
  },
});
