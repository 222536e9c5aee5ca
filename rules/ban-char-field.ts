import { defineRule } from '../src/engine/rule.js';
import { declaration, label } from '../src/engine/sql.js';
import { declaredTypes, isBuiltin } from '../src/analysis/column-types.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'ban-char-field',
    category: 'hygiene',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'unsafe',
    messages: {
      char: 'Column {{column}} of {{table}} is `{{type}}`, which pads every value with spaces to its full length and ignores trailing spaces in comparisons',
    },
    docs: {
      summary: 'Disallow `char(n)` columns',
      what: 'Flags columns declared `char`, `character`, `char(n)`, `character(n)` or `bpchar`, arrays included, in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`. The internal one-byte type `"char"` (quoted) is not flagged.',
      why: '`char(n)` (blank-padded character) stores every value padded with spaces to `n` characters, strips them again on output in some contexts but not others, and treats trailing spaces as insignificant in comparisons, which surprises applications and breaks `LIKE` and joins with `text` columns. It is not faster or smaller than `text` or `varchar` in Postgres: all three share one storage format. Bare `char` means `char(1)`.',
      example: {
        bad: 'CREATE TABLE countries (code char(2) NOT NULL);',
        good: 'CREATE TABLE countries (code text NOT NULL CHECK (char_length(code) = 2));',
      },
      whenNotToUse: 'When a legacy interface relies on the padding.',
      fixSafety: 'Unsafe: like squawk, the fix turns `char(n)` into `varchar(n)` (same limit, no padding) and bare `char` into `text`. Values lose their padding and comparisons start to count trailing spaces; bare `char` also loses its one-character limit.',
      references: [
        'https://www.postgresql.org/docs/current/datatype-character.html',
        'https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_char.28n.29',
      ],
    },
  },
  create(ctx) {
    const check = (stmt: AnalysedStatement) => {
      for (const t of declaredTypes(stmt)) {
        if (!isBuiltin(t, 'bpchar')) continue;
        const written = ctx.text.slice(t.span.start, t.span.end);
        const m = /^((?:pg_catalog\s*\.\s*)?(?:"?(?:character|bpchar|char)"?))(\s*\(\s*\d+\s*\))?/i.exec(written);
        const replacement = m ? (m[2] ? 'varchar' : 'text') : undefined;
        ctx.report(stmt, {
          messageId: 'char',
          data: { column: `"${t.column}"`, table: label(t.relation), type: written },
          span: t.span,
          help: t.type.mods.length
            ? `Use \`text\` with a CHECK constraint (or \`varchar(${t.type.mods[0]})\`):\n${declaration(stmt, t, 'text', `char_length(${quoteIdent(t.column)}) <= ${t.type.mods[0]}`)}`
            : `Use \`text\`:\n${declaration(stmt, t, 'text')}`,
          fix: m && replacement ? { title: `Replace with \`${replacement}\``, safety: 'unsafe', edits: [{ start: t.span.start, end: t.span.start + m[1].length, text: replacement! }] } : undefined,
        });
      }
    };
    return { CreateStmt: check, AlterTableStmt: check };
  },
});
