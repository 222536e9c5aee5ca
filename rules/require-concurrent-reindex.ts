import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';

// `REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE }`: CONCURRENTLY goes after the kind.
const KIND = /^\s*REINDEX\s*(\([^)]*\)\s*)?(INDEX|TABLE|SCHEMA|DATABASE)\b/i;

export default defineRule({
  meta: {
    id: 'require-concurrent-reindex',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    // REINDEX CONCURRENTLY exists from PG 12.
    pgVersions: { min: 12 },
    fix: 'safe',
    messages: {
      blocking: '`REINDEX` on {{table}} holds {{lock}} on the table, blocking {{blocked}}, and ACCESS EXCLUSIVE on each index it rebuilds, so every query planned against the table waits until it ends',
    },
    docs: {
      summary: 'Require `REINDEX CONCURRENTLY` on existing tables',
      what: 'Flags `REINDEX INDEX`, `REINDEX TABLE`, `REINDEX SCHEMA` and `REINDEX DATABASE` without `CONCURRENTLY` (PG 12+), except on tables created earlier in the same migration.',
      why: '`REINDEX TABLE` and `REINDEX INDEX` hold a SHARE lock on the table, so every INSERT, UPDATE and DELETE waits, and ACCESS EXCLUSIVE on each index they rebuild, until the statement ends. Planning any query on the table opens all its indexes, so reads wait too, even a sequential `SELECT count(*)` (measured on PG 15). `REINDEX CONCURRENTLY` builds a new copy of each index beside the old one and swaps them, under SHARE UPDATE EXCLUSIVE, so reads and writes continue.',
      example: {
        bad: 'REINDEX INDEX users_email_idx;',
        good: 'REINDEX INDEX CONCURRENTLY users_email_idx;',
      },
      whenNotToUse: 'On system catalogs (they cannot be reindexed concurrently), or in a maintenance window.',
      fixSafety: 'Safe outside a transaction: pgsafe inserts `CONCURRENTLY` after the object kind. Inside one, no fix is offered, because Postgres refuses `REINDEX CONCURRENTLY` in a transaction block.',
      references: [
        'https://www.postgresql.org/docs/current/sql-reindex.html#SQL-REINDEX-CONCURRENTLY',
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-TABLES',
      ],
    },
  },
  create(ctx) {
    return {
      reindex(action, stmt) {
        if (action.concurrently || ctx.isNew(action.relation) || action.target === 'system') return;
        const m = KIND.exec(stmt.source.text);
        const at = m ? stmt.source.start + m.index + m[0].length : undefined;
        const fixed = at === undefined ? undefined : `${stmt.source.text.slice(0, at - stmt.source.start)} CONCURRENTLY${stmt.source.text.slice(at - stmt.source.start)}`;
        // REINDEX INDEX on an index the schema model does not know: classify names the index itself.
        const indexName = action.target === 'index' ? action.index?.name : undefined;
        const tableKnown = !!action.relation && action.relation.name !== indexName;
        const target = indexName
          ? `index "${indexName}"${tableKnown ? ` of ${label(action.relation)}` : ''}`
          : action.relation ? label(action.relation) : action.name ? `"${action.name}"` : 'its tables';
        const inTx = stmt.tx.inTransaction;
        ctx.report(stmt, {
          messageId: 'blocking',
          data: { table: target, ...lockPhrase(stmt, action.relation) },
          help: fixed
            ? `Rebuild the indexes concurrently${inTx ? ", outside the migration's transaction (CONCURRENTLY cannot run in one)" : ''}:\n${fixed};`
            : 'Add `CONCURRENTLY` after the object kind, outside a transaction.',
          fix: at !== undefined && !inTx ? { title: 'Add `CONCURRENTLY`', safety: 'safe', edits: [{ start: at, end: at, text: ' CONCURRENTLY' }] } : undefined,
        });
      },
    };
  },
});
