import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'attaching-partition-without-check',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      scan: '`ATTACH PARTITION` scans {{partition}} to check every row against the partition bound while holding {{lock}} on it, blocking its {{blocked}}',
    },
    docs: {
      summary: 'Require a validated CHECK matching the bound before `ATTACH PARTITION`',
      what: 'Flags `ALTER TABLE … ATTACH PARTITION` of an existing table unless a validated CHECK constraint on that table is known to bound the partition key the way the partition bound does (lower and upper bounds for a range partition, `=`/`IN` for a list partition).',
      why: 'Before it attaches a table, Postgres checks that every row fits the partition bound, scanning the whole table while holding ACCESS EXCLUSIVE on it (and, before PG 12, on the parent too). If a valid CHECK constraint already implies the bound, the scan is skipped. That CHECK can be added `NOT VALID` and validated under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.',
      example: {
        bad: "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        good: "ALTER TABLE measurements_2024 ADD CONSTRAINT measurements_2024_bound CHECK (logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;\nALTER TABLE measurements_2024 VALIDATE CONSTRAINT measurements_2024_bound;\nALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nALTER TABLE measurements_2024 DROP CONSTRAINT measurements_2024_bound;",
      },
      whenNotToUse: 'When the table being attached is empty or small.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION',
        'https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE',
      ],
    },
  },
  create(ctx) {
    return {
      'attach-partition'(action, stmt) {
        // classify emits two attach actions: the parent's (catalog) and the partition's (scan unless proven).
        if (action.cost !== 'scan' || !action.relation || ctx.isNew(action.relation)) return;
        const part = action.relation;
        const parentRel = stmt.actions.find((a) => a.type === 'attach-partition' && a !== action)?.relation;
        const key = ctx.schema.table(parentRel)?.partitionKey;
        const col = key?.columns.length === 1 ? quoteIdent(key.columns[0]) : '<partition key>';
        const text = stmt.source.text;
        const range = /FOR\s+VALUES\s+FROM\s*\(([\s\S]*?)\)\s*TO\s*\(([\s\S]*?)\)/i.exec(text);
        const list = /FOR\s+VALUES\s+IN\s*\(([\s\S]*?)\)\s*$/i.exec(text);
        let cond = `<condition matching the bound on ${col}>`;
        if (range) {
          const parts: string[] = [];
          if (!/^\s*minvalue\s*$/i.test(range[1])) parts.push(`${col} >= ${range[1].trim()}`);
          if (!/^\s*maxvalue\s*$/i.test(range[2])) parts.push(`${col} < ${range[2].trim()}`);
          if (parts.length) cond = parts.join(' AND ');
        } else if (list) {
          cond = `${col} IN (${list[1].trim()})`;
        }
        const chk = quoteIdent(`${part.name}_bound`);
        ctx.report(stmt, {
          messageId: 'scan',
          data: { partition: label(part), ...lockPhrase(stmt, part) },
          span: action.span,
          help: `Prove the bound with a CHECK first, validated under a lock that lets reads and writes continue; ATTACH then skips the scan:\nALTER TABLE ${part.sql} ADD CONSTRAINT ${chk} CHECK (${cond}) NOT VALID;\nALTER TABLE ${part.sql} VALIDATE CONSTRAINT ${chk};\n${text.trim()};\nALTER TABLE ${part.sql} DROP CONSTRAINT ${chk};`,
        });
      },
    };
  },
});
