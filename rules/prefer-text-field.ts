import { defineRule } from '../src/engine/rule.js';
import { factLockPhrase } from '../src/analysis/lock-phrase.js';
import { declaration, label } from '../src/engine/sql.js';
import { declaredTypes, isBuiltin } from '../src/analysis/column-types.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'prefer-text-field',
    category: 'hygiene',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'none',
    messages: {
      varchar: 'Column {{column}} of {{table}} is `{{type}}`: the length limit lives in the column type, so changing it later is an `ALTER COLUMN … TYPE` under {{lock}}, and lowering it rewrites the table',
    },
    docs: {
      summary: 'Prefer `text` with a CHECK constraint over `varchar(n)`',
      what: 'Flags columns declared `varchar(n)` or `character varying(n)`, arrays included, in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`. `varchar` without a length is the same as `text` and is not flagged.',
      why: 'In Postgres `varchar(n)` is `text` plus a length check built into the type. Changing `n` means `ALTER COLUMN … TYPE`, which takes ACCESS EXCLUSIVE on the table: raising the limit is catalog-only but still waits for, and blocks, every query on the table; lowering it rewrites the table. A `CHECK (char_length(col) <= n)` on a `text` column can be replaced without blocking: add the new one `NOT VALID`, `VALIDATE` it (SHARE UPDATE EXCLUSIVE), then drop the old one.',
      example: {
        bad: 'CREATE TABLE users (email varchar(255) NOT NULL);',
        good: 'CREATE TABLE users (email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) <= 255));',
      },
      whenNotToUse: 'When the limit is fixed by an external standard and will never change (a two-letter country code), or the table stays small.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-character.html',
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement) => {
      for (const t of declaredTypes(stmt)) {
        if (!isBuiltin(t, 'varchar') || t.type.mods.length === 0) continue;
        const c = quoteIdent(t.column);
        ctx.report(stmt, {
          messageId: 'varchar',
          data: { column: `"${t.column}"`, table: label(t.relation), type: ctx.text.slice(t.span.start, t.span.end), lock: factLockPhrase('alter-column-type').lock },
          span: t.span,
          help: t.type.array
            ? `Use \`text[]\`, and check the element lengths in the application or a trigger:\n${declaration(stmt, t, 'text[]')}`
            : `Use \`text\` with a CHECK constraint, which can later be changed without blocking:\n${declaration(stmt, t, 'text', `char_length(${c}) <= ${t.type.mods[0]}`)}`,
        });
      }
    };
    return { CreateStmt: check, AlterTableStmt: check };
  },
});
