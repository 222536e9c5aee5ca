import { defineRule } from '../src/engine/rule.js';

// Reported by the engine itself when the analysis has no model for a statement.
export default defineRule({
  meta: {
    id: 'unanalyzed-statement',
    category: 'meta',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'none',
    messages: { unanalyzed: '{{message}}' },
    docs: {
      summary: 'Require every statement to be analysed',
      what: 'Reports a statement whose kind pgsafe has no lock model for (a `CALL`, a rare ALTER TABLE form). It is listed instead of being passed silently as safe.',
      why: 'An unknown statement may take any lock. Review it by hand, or observe it with `pgsafe replay`.',
      example: { bad: 'CALL backfill_users();', good: "SET lock_timeout = '2s';" },
      references: ['https://www.postgresql.org/docs/current/explicit-locking.html'],
    },
  },
  create() {
    return {};
  },
});
