import { defineRule } from '../src/engine/rule.js';
import { lockLabel } from '../src/engine/sql.js';
import { atLeast, blocksReads, blocksWrites, costText, lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'require-statement-timeout',
    category: 'lock',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'unsafe',
    // squawk's require-timeout-settings covers both timeouts: it names this rule and require-lock-timeout.
    aliases: ['require-timeout-settings'],
    messages: {
      missing: 'No `statement_timeout` is set: nothing bounds how long this statement holds {{lock}} on {{table}}{{cost}}',
    },
    docs: {
      summary: 'Require a `statement_timeout` before statements that lock or scan existing tables',
      what: 'Flags the first statement of a file that takes a lock blocking reads or writes of an existing table, makes a quick schema change under SHARE UPDATE EXCLUSIVE, or updates or deletes a whole table, while no `statement_timeout` is in force (`SET statement_timeout`, or `SET LOCAL` inside the transaction). Online operations that block neither reads nor writes and are long by design (`CREATE INDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`) are not flagged: a timeout would cancel them half done.',
      why: '`lock_timeout` bounds only the wait for a lock. Once a DDL statement holds its lock, a slow scan, rewrite or index build keeps it for as long as it runs, and with ACCESS EXCLUSIVE every query on the table waits that long. A `statement_timeout` caps the outage: the statement is cancelled and the migration can be retried at a quieter time or rewritten in a safer form.',
      example: {
        bad: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN nickname text;",
        good: "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
      },
      whenNotToUse: 'When the migration tool sets `statement_timeout` for every migration outside the SQL file.',
      fixSafety: "Unsafe: the fix inserts `SET statement_timeout = '5s';` before the statement. Long operations that are expected (such as `CREATE INDEX CONCURRENTLY` on a big table) need a larger value, or they will be cancelled.",
      references: [
        'https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT',
        'https://www.postgresql.org/docs/current/explicit-locking.html',
      ],
    },
  },
  create(ctx) {
    let reported = false;
    return {
      '*'(stmt: AnalysedStatement) {
        if (reported || stmt.timeouts.statementTimeoutMs !== null) return;
        const heavy = stmt.cost === 'scan' || stmt.cost === 'rewrite' || stmt.cost === 'index-build';
        const existing = stmt.locks.filter((l) => !l.isNew);
        const blocking = existing.find((l) => blocksReads(l.mode) || blocksWrites(l.mode));
        // Online operations (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT) are long by design and block no reads
        // or writes; a short timeout would only cancel them half done. Quick schema changes under SHARE UPDATE
        // EXCLUSIVE (COMMENT, SET STATISTICS) still queue other DDL while they wait, so they are reported.
        const quickDdl = !heavy ? existing.find((l) => atLeast(l.mode, 'ShareUpdateExclusiveLock')) : undefined;
        const unboundedDml = heavy && !blocking && stmt.locks.length > 0 && existing.every((l) => !atLeast(l.mode, 'ShareUpdateExclusiveLock')) ? existing[0] : undefined;
        const lock = blocking ?? quickDdl ?? unboundedDml;
        if (!lock) return;
        reported = true;
        ctx.report(stmt, {
          messageId: 'missing',
          data: { lock: lockSqlName(lock.mode), table: lockLabel(stmt, lock.rel), cost: heavy ? ` while it ${costText(stmt.cost)}` : '' },
          help: "Cap how long a statement may run (and hold its locks) at the top of the migration:\nSET statement_timeout = '5s';",
          fix: { title: 'Insert `SET statement_timeout`', safety: 'unsafe', edits: [{ start: stmt.source.start, end: stmt.source.start, text: "SET statement_timeout = '5s';\n" }] },
        });
      },
      onFileEnd() {
        reported = false;
      },
    };
  },
});
