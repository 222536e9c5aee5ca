import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
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
      CreateDomainStmt(stmt: AnalysedStatement) {
        const n = stmt.source.node;
        const cons: any[] = (n?.constraints ?? []).map((c: any) => c.Constraint).filter((c: any) => c && (c.contype === 'CONSTR_CHECK' || c.contype === 'CONSTR_NOTNULL'));
        if (cons.length === 0) return;
        const rel = stmt.actions[0]?.relation;
        const first = cons[0];
        const start = typeof first.location === 'number' && first.location >= 0 ? stmt.source.toOffset(first.location) : stmt.source.start;
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
