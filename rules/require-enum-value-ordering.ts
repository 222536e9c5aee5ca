import { defineRule } from '../src/engine/rule.js';
import { label, quoteLiteral } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'require-enum-value-ordering',
    category: 'compat',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      unordered: '`ADD VALUE` {{value}} has no `BEFORE` or `AFTER`, so it sorts after every existing value of {{type}}; comparisons and `ORDER BY` on the enum follow that order',
    },
    docs: {
      summary: 'Require `BEFORE` or `AFTER` when adding an enum value',
      what: 'Flags `ALTER TYPE … ADD VALUE` without `BEFORE` or `AFTER`.',
      why: 'Enum values sort in declaration order, not alphabetically, and `<`, `>`, `ORDER BY`, `min()` and range checks all use that order. An appended value lands last, wherever it belongs in meaning, and the order cannot be changed later without recreating the type and rewriting every table that uses it. Saying `BEFORE` or `AFTER` makes the position a decision.',
      example: {
        bad: "ALTER TYPE order_status ADD VALUE 'refunded';",
        good: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';",
      },
      whenNotToUse: 'When nothing sorts or compares the enum and appending is intended.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertype.html',
        'https://www.postgresql.org/docs/current/datatype-enum.html#DATATYPE-ENUM-ORDERING',
      ],
    },
  },
  create(ctx) {
    return {
      'alter-enum-add-value'(action, stmt) {
        const value = action.value;
        if (action.neighbor || typeof value !== 'string') return;
        const known = action.relation ? ctx.schema.enums.get(action.relation.key)?.values : undefined;
        const after = known?.length ? quoteLiteral(known[known.length - 1]) : "'<existing value>'";
        const ine = action.ifNotExists ? 'IF NOT EXISTS ' : '';
        ctx.report(stmt, {
          messageId: 'unordered',
          data: { value: quoteLiteral(value), type: label(action.relation, 'the enum') },
          help: `Say where the value belongs${known?.length ? ` (known values: ${known.map(quoteLiteral).join(', ')})` : ''}:\nALTER TYPE ${action.relation?.sql ?? 'the_enum'} ADD VALUE ${ine}${quoteLiteral(value)} AFTER ${after};`,
        });
      },
    };
  },
});
