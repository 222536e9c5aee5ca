import { defineRule } from '../src/engine/rule.js';

// Reported by the engine itself: a statement (or file) that could not be parsed.
export default defineRule({
  meta: {
    id: 'syntax-error',
    category: 'meta',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: { syntax: '{{message}}' },
    docs: {
      summary: 'Require every statement to parse',
      what: 'Reports a statement that the Postgres parser rejects, and a file that is not UTF-8 text. Only the broken statement is skipped; the rest of the file is still linted.',
      why: 'pgsafe cannot analyse what it cannot parse, so a broken statement is never passed as safe. Postgres would reject it too and fail the migration.',
      example: { bad: 'ALTER TABLE users ADD COLUMN;', good: 'ALTER TABLE users ADD COLUMN nickname text;' },
      references: ['https://www.postgresql.org/docs/current/sql-syntax.html'],
    },
  },
  create() {
    return {};
  },
});
