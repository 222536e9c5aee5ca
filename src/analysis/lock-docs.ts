// Renders the lock table (lock-table.ts) as Markdown for docs/locks.md, between markers, so the
// rest of that page (the oracle's agreement figures, prose) is kept as written.
import { LOCK_TABLE, type LockFact } from './lock-table.js';
import { lockSqlName } from './locks.js';

export const LOCKS_START = '<!-- lock-table:start -->';
export const LOCKS_END = '<!-- lock-table:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function pgRange(r: LockFact): string {
  const { min, max } = r.pg ?? {};
  return min !== undefined && max !== undefined ? `${min}–${max}` : min !== undefined ? `≥ ${min}` : max !== undefined ? `≤ ${max}` : 'all';
}

function locks(r: LockFact): string {
  return r.locks.length ? r.locks.map((l) => `${l.role}: ${lockSqlName(l.mode)}`).join('<br>') : '–';
}

/** The generated part of docs/locks.md. */
export function lockTableMarkdown(): string {
  const rows = LOCK_TABLE.map((r) => `| \`${r.id}\` | ${r.action} | ${cell(r.when ?? '')} | ${pgRange(r)} | ${locks(r)} | ${r.cost}${r.noTransaction ? ' (no transaction)' : ''} | \`${cell(r.example.sql)}\` | [manual](${r.manual}) |`);
  return [
    LOCKS_START,
    '<!-- Generated from src/analysis/lock-table.ts by `npm run gen:docs`; edit the table there. -->',
    '',
    '| row | action | when | PG | locks by role | cost | example | |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    LOCKS_END,
  ].join('\n');
}

const PAGE = `# Locks pgsafe predicts

pgsafe's lock model is one table: for each kind of action a statement performs, under which condition and on
which Postgres majors, the lock it takes on each relation by role, and what it costs. Rows are tried in order;
the first that holds wins. A statement with no matching row is reported as unanalysed, never passed as safe.

- **Roles**: \`target\` is the relation the action changes; \`referenced\` the other table of a foreign key;
  \`parent\` and \`partition\` the two sides of a partition; \`read\` a relation a query reads.
- **Cost**: \`catalog\` (only the catalog changes), \`scan\` (every row is read), \`index-build\`, \`rewrite\`
  (the table and its indexes are written anew).
- Lock names are Postgres's own; \`pg_locks\` spells them \`AccessExclusiveLock\` and so on.

Each row carries an example (with its setup) that the test suite runs through the analyzer, so the row and its
example cannot drift apart.

`;

/** docs/locks.md with its generated part replaced (or the whole page, when there is none yet). */
export function locksPage(current: string | null): string {
  const table = lockTableMarkdown();
  if (current && current.includes(LOCKS_START) && current.includes(LOCKS_END)) {
    return current.slice(0, current.indexOf(LOCKS_START)) + table + current.slice(current.indexOf(LOCKS_END) + LOCKS_END.length);
  }
  return `${PAGE}${table}\n`;
}
