import { defineRule } from '../src/engine/rule.js';
import { lockLabel } from '../src/engine/sql.js';
import { atLeast, blockedText, blocksReads, blocksWrites, costText, LOCK_MODES, lockSqlName } from '../src/analysis/locks.js';
import type { AnalysedStatement, RelationLock } from '../src/analysis/types.js';
import { setCommand } from './require-lock-timeout.js';

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
      missing: 'No `statement_timeout` is set: nothing bounds how long this statement holds {{lock}} on {{table}} while it {{work}}, and {{blocked}} of {{table}} wait that long',
      cancels: '`statement_timeout` is {{timeout}} here: if this online {{op}} on {{table}} runs longer, it is cancelled half done{{left}}',
    },
    docs: {
      summary: 'Require a `statement_timeout` before statements that scan or rewrite a table under a blocking lock',
      what: 'Flags the first statement of a file that scans, rewrites or builds an index on an existing table under a lock that blocks its reads or writes (a table rewrite, `SET NOT NULL` without a proving CHECK, a validating `ADD CONSTRAINT`, a plain `CREATE INDEX`, `VACUUM FULL`), while no `statement_timeout` is in force (`SET statement_timeout`, or `SET LOCAL` inside the transaction). Instant catalog changes are left to `require-lock-timeout`: once their lock is granted they finish at once. It also flags a short `statement_timeout` (under an hour) in force before an online operation (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX CONCURRENTLY`, `VALIDATE CONSTRAINT`, `DETACH PARTITION CONCURRENTLY`): these block neither reads nor writes and are long by design, and cancelling one leaves an invalid index or a half-done change behind.',
      why: '`lock_timeout` bounds only the wait for a lock. Once a DDL statement holds a lock that blocks traffic, a scan, rewrite or index build keeps it for as long as it runs: with ACCESS EXCLUSIVE every query on the table waits that long. A `statement_timeout` caps the outage: the statement is cancelled and the migration can be retried at a quieter time or rewritten in a safer form. An online operation is the safer form: a timeout there only turns a slow success into a failure that leaves work to clean up (an INVALID index to drop, a partition left detach-pending).',
      example: {
        bad: "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        good: "SET lock_timeout = '2s';\nSET statement_timeout = '5s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      },
      whenNotToUse: 'When the migration tool sets `statement_timeout` for every migration outside the SQL file.',
      fixSafety: "Unsafe: the fix inserts `SET statement_timeout = '5s';` (`SET LOCAL` when a transaction wraps the statement) before it. No fix is offered where the statement's scan is a constraint validation: the fix for that is `NOT VALID` plus a separate `VALIDATE CONSTRAINT`, which must not run under a short timeout. Before an online operation, the fix sets `statement_timeout = 0` for it.",
      references: [
        'https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT',
        'https://www.postgresql.org/docs/current/explicit-locking.html',
      ],
    },
  },
  create(ctx) {
    let reported = false;
    // The timeout last reported before an online operation: lifting it once fixes the ones after it too.
    let lifted: number | null = null;
    return {
      '*'(stmt: AnalysedStatement) {
        const online = onlineOperation(stmt, ctx.isNew);
        const t = stmt.timeouts.statementTimeoutMs;
        if (online) {
          if (t === null || t >= SHORT_MS || t === lifted) return;
          lifted = t;
          const set = setCommand(stmt, ctx.settings);
          ctx.report(stmt, {
            messageId: 'cancels',
            data: { timeout: duration(t), op: online.op, table: lockLabel(stmt, online.rel), left: online.left },
            help: `Lift the timeout for this statement (a lock_timeout still bounds its waits), and restore it after:\n${set} statement_timeout = 0;\n${stmt.source.text.trim()};\n${set} statement_timeout = '${duration(t)}';`,
            fix: { title: 'Lift `statement_timeout` for this statement', safety: 'unsafe', edits: [{ start: stmt.source.start, end: stmt.source.start, text: `${set} statement_timeout = 0;\n` }] },
          });
          return;
        }
        if (reported || t !== null) return;
        // Work in proportion to the table's size, under a lock that blocks the application: the only place a
        // statement timeout changes the outcome. Instant changes hold their lock for no time once granted.
        const heavy = stmt.cost === 'scan' || stmt.cost === 'rewrite' || stmt.cost === 'index-build';
        if (!heavy || stmt.runtime === 'instant' || !(stmt.blocks.reads || stmt.blocks.writes)) return;
        const lock = strongest(stmt.locks.filter((l) => !l.isNew && !ctx.isNew(l.rel) && (blocksReads(l.mode) || blocksWrites(l.mode))));
        if (!lock) return;
        reported = true;
        const set = setCommand(stmt, ctx.settings);
        // A validating ADD CONSTRAINT is fixed by NOT VALID + VALIDATE (constraint-missing-not-valid); a timeout
        // inserted here would then cancel the VALIDATE, so no fix.
        const validating = stmt.actions.some((a) => a.type === 'add-constraint' && a.constraint && !a.constraint.notValid && (a.constraint.kind === 'check' || a.constraint.kind === 'foreign'));
        ctx.report(stmt, {
          messageId: 'missing',
          data: { lock: lockSqlName(lock.mode), table: lockLabel(stmt, lock.rel), work: costText(stmt.cost), blocked: blockedText(lock.mode) },
          help: validating
            ? `Add the constraint NOT VALID and validate it separately, without a short timeout (VALIDATE blocks no reads or writes); or cap this statement:\n${set} statement_timeout = '5s';`
            : `Cap how long this statement may run (and hold its lock)${set === 'SET LOCAL' ? ', inside the transaction' : ''}:\n${set} statement_timeout = '5s';`,
          fix: validating ? undefined : { title: 'Insert `SET statement_timeout`', safety: 'unsafe', edits: [{ start: stmt.source.start, end: stmt.source.start, text: `${set} statement_timeout = '5s';\n` }] },
        });
      },
      onFileEnd() {
        reported = false;
        lifted = null;
      },
    };
  },
});

/** Under this, a statement timeout may cancel an online operation on a real table. */
const SHORT_MS = 60 * 60 * 1000;

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function strongest(locks: RelationLock[]): RelationLock | undefined {
  return [...locks].sort((a, b) => LOCK_MODES.indexOf(b.mode) - LOCK_MODES.indexOf(a.mode))[0];
}

/**
 * An operation built to run alongside traffic: it takes only SHARE UPDATE EXCLUSIVE on existing relations, blocks
 * neither reads nor writes, and runs for as long as the data (or other transactions) make it. VACUUM and ANALYZE
 * qualify by their locks but lose nothing when cancelled.
 */
function onlineOperation(stmt: AnalysedStatement, isNew: (rel: RelationLock['rel']) => boolean): { op: string; rel: RelationLock['rel']; left: string } | undefined {
  if (stmt.runtime === 'instant' || stmt.blocks.reads || stmt.blocks.writes) return undefined;
  const existing = stmt.locks.filter((l) => !l.isNew && !isNew(l.rel));
  const lock = existing.find((l) => l.mode === 'ShareUpdateExclusiveLock');
  if (!lock || existing.some((l) => atLeast(l.mode, 'ShareRowExclusiveLock'))) return undefined;
  for (const a of stmt.actions) {
    switch (a.type) {
      case 'create-index': if (a.concurrently) return { op: '`CREATE INDEX CONCURRENTLY`', rel: lock.rel, left: ', leaving an INVALID index that still slows every write until it is dropped' }; break;
      case 'reindex': if (a.concurrently) return { op: '`REINDEX CONCURRENTLY`', rel: lock.rel, left: ', leaving an INVALID `_ccnew` index behind' }; break;
      case 'drop-index': if (a.concurrently) return { op: '`DROP INDEX CONCURRENTLY`', rel: lock.rel, left: ', leaving the index INVALID but still there' }; break;
      case 'validate-constraint': return { op: '`VALIDATE CONSTRAINT`', rel: lock.rel, left: ' (the scan is lost and the constraint stays NOT VALID)' };
      case 'detach-partition': if (a.concurrently) return { op: '`DETACH PARTITION CONCURRENTLY`', rel: lock.rel, left: ', leaving the partition detach-pending until `… FINALIZE`' }; break;
    }
  }
  return undefined;
}
