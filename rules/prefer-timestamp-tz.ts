import { defineRule } from '../src/engine/rule.js';
import { declaration, label } from '../src/engine/sql.js';
import { declaredTypes, isBuiltin } from '../src/analysis/column-types.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'prefer-timestamp-tz',
    aliases: ['prefer-timestamptz'],
    category: 'hygiene',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'unsafe',
    messages: {
      timestamp: 'Column {{column}} of {{table}} is `{{type}}`, which stores no time zone: a value written with a UTC offset loses it, so two different instants can be stored as the same time',
    },
    docs: {
      summary: 'Prefer `timestamptz` over `timestamp` without time zone',
      what: 'Flags columns declared `timestamp` or `timestamp without time zone`, arrays included, in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`.',
      why: '`timestamp` (without time zone) stores the wall-clock reading and silently drops any offset in the input: `2019-10-11 21:11:24+02` and `2019-10-11 21:11:24-06` are stored as the same value, eight hours apart in reality. `timestamptz` stores an absolute instant (in UTC) and converts on input and output using the session `TimeZone`, so comparisons and arithmetic across zones and DST changes are correct. Both take 8 bytes.',
      example: {
        bad: 'CREATE TABLE events (created_at timestamp NOT NULL DEFAULT now());',
        good: 'CREATE TABLE events (created_at timestamptz NOT NULL DEFAULT now());',
      },
      whenNotToUse: 'For local wall-clock values that are not instants (an opening hour, a birth date and time in local terms).',
      fixSafety: 'Unsafe: the fix replaces the type with `timestamptz` (keeping a precision and array brackets). Existing code that reads the column gets values converted to the session time zone, and a conversion of existing data (`ALTER COLUMN … TYPE timestamptz`) interprets stored values in the session time zone.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-datetime.html',
        'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_timestamp_.28without_time_zone.29',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement) => {
      for (const t of declaredTypes(stmt)) {
        if (!isBuiltin(t, 'timestamp')) continue;
        const written = ctx.text.slice(t.span.start, t.span.end);
        const fixed = written.replace(/\s*without\s+time\s+zone/i, '').replace(/^(?:pg_catalog\s*\.\s*)?"?timestamp"?/i, 'timestamptz');
        ctx.report(stmt, {
          messageId: 'timestamp',
          data: { column: `"${t.column}"`, table: label(t.relation), type: written },
          span: t.span,
          help: `Use \`timestamptz\`:\n${declaration(stmt, t, fixed)}`,
          fix: /^timestamptz/.test(fixed) ? { title: 'Replace with `timestamptz`', safety: 'unsafe', edits: [{ start: t.span.start, end: t.span.end, text: fixed }] } : undefined,
        });
      }
    };
    return { CreateStmt: check, AlterTableStmt: check };
  },
});
