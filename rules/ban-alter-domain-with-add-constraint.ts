import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-alter-domain-with-add-constraint',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      add: '`ALTER DOMAIN … ADD CONSTRAINT` checks every column of every table that uses domain {{domain}}, holding a SHARE lock that blocks writes to each of those tables during its scan',
      validate: '`ALTER DOMAIN … VALIDATE CONSTRAINT` checks every column of every table that uses domain {{domain}}, holding a SHARE lock that blocks writes to each of those tables during its scan',
    },
    docs: {
      summary: 'Disallow adding or validating domain constraints',
      what: 'Flags `ALTER DOMAIN … ADD CONSTRAINT` (unless `NOT VALID`) and `ALTER DOMAIN … VALIDATE CONSTRAINT`.',
      why: 'To add or validate a domain constraint, Postgres finds every table column of that domain and checks each row, taking a SHARE lock on each table: writes to all of them wait until the scans finish. Unlike a table constraint, validating a domain constraint later does not avoid that lock. Table CHECK constraints, added `NOT VALID` and validated under SHARE UPDATE EXCLUSIVE, let writes continue.',
      example: {
        bad: 'ALTER DOMAIN positive_amount ADD CONSTRAINT positive_amount_check CHECK (VALUE > 0);',
        good: 'ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount > 0) NOT VALID;\nALTER TABLE payments VALIDATE CONSTRAINT payments_amount_positive;',
      },
      whenNotToUse: 'When no table uses the domain yet.',
      references: [
        'https://www.postgresql.org/docs/current/sql-alterdomain.html',
      ],
    },
  },
  create(ctx) {
    return {
      'alter-domain'(action, stmt) {
        const rel = action.relation;
        const adding = action.change === 'add-constraint' && action.validates;
        if (!adding && action.change !== 'validate-constraint') return;
        const body = action.change === 'add-constraint' ? (/\bCHECK\s*\(([\s\S]*)\)/i.exec(stmt.source.text)?.[1] ?? '<condition>').replace(/\bVALUE\b/gi, '<column>') : '<condition>';
        ctx.report(stmt, {
          messageId: adding ? 'add' : 'validate',
          data: { domain: label(rel, 'the domain') },
          help: `Constrain the columns with table CHECK constraints instead, added NOT VALID and validated without blocking writes, for each table using the domain:\nALTER TABLE <table> ADD CONSTRAINT <table>_<column>_check CHECK (${body}) NOT VALID;\nALTER TABLE <table> VALIDATE CONSTRAINT <table>_<column>_check;`,
        });
      },
    };
  },
});
