import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-create-domain-with-constraint',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      constraint: 'Domain {{domain}} is created with a constraint; changing it later takes `ALTER DOMAIN`, which checks every column of every table that uses the domain while blocking writes to them',
    },
    docs: {
      summary: 'Disallow constraints on domains',
      what: 'Flags `CREATE DOMAIN` with a `CHECK` or `NOT NULL` constraint.',
      why: 'A domain constraint applies to every column of that type in every table. Adding or validating one later (`ALTER DOMAIN … ADD CONSTRAINT` / `VALIDATE CONSTRAINT`) scans all of those tables, each under a SHARE lock that blocks writes, and there is no way to change a domain constraint in place. Table CHECK constraints can be added `NOT VALID` and validated without blocking writes, one table at a time.',
      example: {
        bad: 'CREATE DOMAIN positive_amount AS numeric(15,5) CHECK (VALUE > 0);',
        good: 'CREATE DOMAIN positive_amount AS numeric(15,5);\nALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount > 0) NOT VALID;',
      },
      whenNotToUse: 'For a domain whose constraint will never change.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createdomain.html',
        'https://www.postgresql.org/docs/current/sql-alterdomain.html',
      ],
    },
  },
  create(ctx) {
    return {
      'create-domain'(action, stmt) {
        const first = action.constraints?.[0];
        if (!first) return;
        const rel = action.relation;
        const start = first.start;
        const base = stmt.source.text.slice(0, start - stmt.source.start).trim();
        ctx.report(stmt, {
          messageId: 'constraint',
          data: { domain: label(rel, 'the domain') },
          span: { start, end: stmt.source.end },
          help: `Create the domain without the constraint, and put CHECK constraints on the table columns that use it (added NOT VALID, then validated):\n${base};`,
        });
      },
    };
  },
});
