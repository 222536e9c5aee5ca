import { defineRule } from '../src/engine/rule.js';
import { dollarTagEnd } from '../src/source/lexer.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';

// NAMEDATALEN is 64 bytes including the terminating zero (src/include/pg_config_manual.h).
const MAX_BYTES = 63;

export default defineRule({
  meta: {
    id: 'identifier-too-long',
    category: 'hygiene',
    defaultSeverity: 'info',
    recommended: true,
    fix: 'none',
    messages: {
      tooLong: 'Identifier "{{name}}" is {{bytes}} bytes long; Postgres truncates identifiers to 63 bytes, so it is stored as "{{truncated}}"',
    },
    docs: {
      summary: 'Disallow identifiers longer than 63 bytes',
      what: 'Flags every identifier (table, column, index, constraint, function name…) longer than 63 bytes in UTF-8, quoted or not.',
      why: 'Postgres truncates identifiers to NAMEDATALEN - 1 = 63 bytes with only a NOTICE, which migration tools rarely show. The object gets a different name from the one in the migration, so a later migration or the application that looks it up by its full name (an ORM checking whether an index exists, a `DROP INDEX IF EXISTS`) misses it, and two long names that share their first 63 bytes collide.',
      example: {
        bad: 'CREATE INDEX index_subscriptions_on_account_id_and_plan_id_and_status_and_created_at ON subscriptions (account_id, plan_id, status, created_at);',
        good: 'CREATE INDEX subscriptions_account_plan_status_created_idx ON subscriptions (account_id, plan_id, status, created_at);',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS',
      ],
    },
  },
  create(ctx) {
    return {
      '*'(stmt: AnalysedStatement) {
        for (const id of identifiers(stmt.source.text, stmt.source.start)) {
          const bytes = Buffer.byteLength(id.name, 'utf8');
          if (bytes <= MAX_BYTES) continue;
          ctx.report(stmt, {
            messageId: 'tooLong',
            data: { name: id.name, bytes, truncated: truncate(id.name) },
            span: id.span,
            help: `Choose a name of at most ${MAX_BYTES} bytes, so the name in the migration is the name Postgres stores.`,
          });
        }
      },
    };
  },
});

/** Identifier tokens of a statement's text: unquoted words (lower-cased) and quoted names; strings, dollar quotes and comments skipped. */
function identifiers(text: string, base: number): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') { const j = text.indexOf('\n', i); i = j < 0 ? n : j; continue; }
    if (c === '/' && text[i + 1] === '*') { const j = text.indexOf('*/', i + 2); i = j < 0 ? n : j + 2; continue; }
    if (c === "'") {
      const escapes = i > 0 && /[eE]/.test(text[i - 1]) && !(i > 1 && /[\p{L}\p{N}_$]/u.test(text[i - 2]));
      let j = i + 1;
      while (j < n) {
        if (escapes && text[j] === '\\') { j += 2; continue; }
        if (text[j] === "'") { if (text[j + 1] === "'") { j += 2; continue; } break; }
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === '$') {
      const t = dollarTagEnd(text, i);
      if (t > 0 && !(i > 0 && /[\p{L}\p{N}_$]/u.test(text[i - 1]))) {
        const close = text.indexOf(text.slice(i, t), t);
        i = close < 0 ? n : close + (t - i);
        continue;
      }
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let name = '';
      while (j < n) {
        if (text[j] === '"') { if (text[j + 1] === '"') { name += '"'; j += 2; continue; } break; }
        name += text[j];
        j++;
      }
      out.push({ name, span: { start: base + i, end: base + Math.min(j + 1, n) } });
      i = j + 1;
      continue;
    }
    if (/[\p{L}_]/u.test(c)) {
      let j = i + 1;
      while (j < n && /[\p{L}\p{N}_$]/u.test(text[j])) j++;
      // A word right before a quote is a string prefix (E'', B'', U&'') or a typed literal.
      if (text[j] !== "'") out.push({ name: text.slice(i, j).toLowerCase(), span: { start: base + i, end: base + j } });
      i = j;
      continue;
    }
    i++;
  }
  return out;
}

/** The first 63 bytes, cut at a character boundary as Postgres does. */
function truncate(name: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > MAX_BYTES) break;
    out += ch;
    bytes += b;
  }
  return out;
}
