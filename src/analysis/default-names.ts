// The names Postgres gives unnamed indexes and constraints (ChooseIndexName / ChooseConstraintName
// in src/backend/commands/indexcmds.c): `users_email_id_idx` for an index on (email, id),
// `orders_user_id_fkey`, `users_pkey`. Postgres appends a number when the name is taken; pgsafe does not.

const SUFFIX: Record<string, string> = { primary: 'pkey', unique: 'key', foreign: 'fkey', check: 'check', exclusion: 'excl', notnull: 'not_null', other: 'con' };

export function defaultConstraintName(table: string, kind: string, columns: string[]): string {
  return kind === 'primary' ? `${table}_pkey` : `${table}_${columns.join('_') || 'col'}_${SUFFIX[kind] ?? 'con'}`;
}

/** `columns` as the index lists them; an expression is `(expr)` and is named `expr`. */
export function defaultIndexName(table: string, columns: string[]): string {
  const names = columns.map((c) => (c === '(expr)' ? 'expr' : c));
  return `${table}_${names.join('_') || 'expr'}_idx`;
}
