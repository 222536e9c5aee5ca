import type { SchemaModel } from '../src/analysis/schema.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';
import { defineRule } from '../src/engine/rule.js';
import { blankOutside, classifyDown, FRAMEWORK_LABEL, sectionMarkers, type DownMigration } from '../src/rollback/down.js';
import { cloneSchema } from '../src/analysis/fork.js';
import { fixSql, inverseSql } from '../src/rollback/inverse.js';
import { staticRoundTrip } from '../src/rollback/static.js';

/** Without a discovery pass (editor, tests), only what the file itself says: goose and dbmate sections. */
function inlineDown(file: string, text: string): DownMigration | undefined {
  const m = sectionMarkers(text);
  // No down marker: it may be missing, or a framework preset may have blanked the section before linting; only a
  // discovery pass over the file as written (`withRollback`) can tell, so say nothing here.
  if (!m?.down) return undefined;
  const downText = blankOutside(text, m.down);
  return { framework: m.framework, expected: true, kind: 'section', path: file, label: m.label, text: downText, span: m.down, upSpan: { start: 0, end: m.down.start }, state: classifyDown(downText) };
}

export default defineRule({
  meta: {
    id: 'require-down-migration',
    category: 'hygiene',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      missingFile: 'No down migration: "{{expected}}" does not exist, so this {{framework}} migration has no rollback',
      missingSection: 'No `{{marker}}` section: this {{framework}} migration has no rollback',
      empty: 'The down migration {{where}} is empty: rolling back changes nothing, so this migration has no rollback',
      raises: 'The down migration {{where}} only raises an error: this migration has no rollback',
      incomplete: 'Rolling back does not return the schema to where it was: {{detail}}',
    },
    docs: {
      summary: 'Require a down migration that undoes the up migration',
      what: 'For frameworks with down migrations, flags an up migration with no down counterpart: golang-migrate `*.down.sql`, goose `-- +goose Down`, dbmate `-- migrate:down`, Flyway `U…__` undo files (only in projects that write undo files), diesel `down.sql` and Sqitch `revert/` scripts. Prisma and Rails have no down migrations and are never reported. An empty down, or one that only raises an error, counts as no rollback. When a down exists, pgsafe applies up then down to its schema model and reports what the down forgets or gets wrong: a column up adds and down leaves, an index up drops and down does not recreate (or recreates on other columns), a type change down does not revert, an enum value up adds (Postgres cannot drop one).',
      why: 'A deploy that goes wrong is rolled back by running the down migration. Without one, or with one that leaves the schema different, the rollback fails or leaves the old application version facing a schema it does not know, while production is already broken. Postgres does not undo DDL for you once the migration has committed.',
      example: {
        bad: '-- +goose Up\nALTER TABLE users ADD COLUMN phone text;\n\n-- +goose Down\n',
        good: '-- +goose Up\nALTER TABLE users ADD COLUMN phone text;\n\n-- +goose Down\nALTER TABLE users DROP COLUMN phone;',
      },
      whenNotToUse: 'When the team rolls forward only (a fix-up migration instead of a down). Prisma has no down migrations, and the rule never reports Prisma files. Turn it off with `--disable require-down-migration`, or in the config.',
      references: [
        'https://www.postgresql.org/docs/current/ddl-alter.html',
        'https://www.postgresql.org/docs/current/sql-altertype.html',
        'https://www.postgresql.org/docs/current/sql-dropindex.html',
      ],
    },
  },
  create(ctx) {
    if (ctx.rollback) return {};
    const down = ctx.down ?? inlineDown(ctx.file, ctx.text);
    if (!down || !down.expected) return {};
    // The forward text may still hold the down section (no preset ran): only statements before its marker are up.
    const upEnd = down.kind === 'section' ? sectionMarkers(ctx.text)?.down?.start ?? ctx.text.length : ctx.text.length;
    const up: AnalysedStatement[] = [];
    let before: SchemaModel | undefined;
    return {
      '*'(stmt: AnalysedStatement) {
        if (stmt.source.start >= upEnd || stmt.source.parent) return;
        if (up.length === 0 && down.state === 'present') before = cloneSchema(ctx.schema);
        up.push(stmt);
      },
      onFileEnd() {
        const first = up.find((s) => s.kind !== 'TransactionStmt');
        if (!first) return;
        const firstLine: Span = { start: first.source.start, end: first.source.start + (first.source.text.split('\n')[0]?.length ?? 0) };
        const framework = FRAMEWORK_LABEL[down.framework];
        const undo = inverseSql(up);
        const where = down.kind === 'section' ? `(\`${down.label}\` section)` : `"${down.label}"`;
        const write = down.kind === 'section' ? `Write the \`${down.label}\` section` : `Write "${down.label}"`;
        const help = `${write} so it undoes this migration${undo.length ? ':\n' + undo.join('\n') : '.'}`;
        if (down.state === 'missing') {
          if (down.kind === 'section') ctx.report(first, { messageId: 'missingSection', data: { marker: down.label, framework }, span: firstLine, help });
          else ctx.report(first, { messageId: 'missingFile', data: { expected: down.label, framework }, span: firstLine, help });
          return;
        }
        if (down.state === 'empty' || down.state === 'raises') {
          ctx.report(first, { messageId: down.state, data: { where }, span: firstLine, help });
          return;
        }
        if (!before || down.text === undefined) return;
        const upText = { path: ctx.file, text: ctx.text, span: down.kind === 'section' ? { start: 0, end: upEnd } : undefined };
        const rt = staticRoundTrip(before, upText, { path: down.path, text: down.text }, ctx.settings);
        for (const issue of rt.issues) {
          const stmt = up.find((s) => s.source.index === issue.statement) ?? first;
          const sql = fixSql(issue, rt.before);
          ctx.report(stmt, {
            messageId: 'incomplete',
            data: { detail: issue.message },
            span: issue.span,
            help: `Make the down migration ${where} ${issue.problem === 'not-undone' || issue.problem === 'created-extra' ? 'drop it' : 'restore it as it was before this migration'}${sql ? `:\n${sql}` : '.'}`,
          });
        }
      },
    };
  },
});
