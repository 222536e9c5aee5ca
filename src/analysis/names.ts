// Names as Postgres resolves them, and as a user would paste them back.

export interface Rel {
  schema?: string;
  name: string;
  /** Lookup key: `schema.name`, with `public` for unqualified names. */
  key: string;
  /** The name as SQL, quoted where needed: `app."Users"`. */
  sql: string;
}

const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate', 'column',
  'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user',
  'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant',
  'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not',
  'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some',
  'symmetric', 'system_user', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when',
  'where', 'window', 'with',
]);

export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function makeRel(name: string, schema?: string): Rel {
  return {
    schema,
    name,
    key: `${schema ?? 'public'}.${name}`,
    sql: schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name),
  };
}

/** From a RangeVar node. */
export function relFromRangeVar(rv: any): Rel | undefined {
  if (!rv || typeof rv.relname !== 'string') return undefined;
  return makeRel(rv.relname, rv.schemaname);
}

/** From a `List` of `String` nodes (DROP objects, type names). */
export function relFromNames(list: any): Rel | undefined {
  const items: any[] = list?.List?.items ?? list?.items ?? (Array.isArray(list) ? list : []);
  const parts = items.map((i) => i?.String?.sval).filter((s): s is string => typeof s === 'string');
  if (parts.length === 0) return undefined;
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return makeRel(name, schema);
}

export function strings(list: any[] | undefined): string[] {
  return (list ?? []).map((i) => i?.String?.sval).filter((s): s is string => typeof s === 'string');
}

export interface TypeInfo {
  /** Canonical name: `int4`, `varchar`, `timestamptz`, `serial`, … */
  name: string;
  schema?: string;
  mods: number[];
  array: boolean;
  /** As SQL: `varchar(20)`, `integer[]`. */
  sql: string;
}

const DISPLAY: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  bpchar: 'char', varchar: 'varchar', timestamptz: 'timestamptz', timestamp: 'timestamp', timetz: 'timetz',
};
const ALIASES: Record<string, string> = {
  integer: 'int4', int: 'int4', smallint: 'int2', bigint: 'int8', real: 'float4', 'double precision': 'float8',
  boolean: 'bool', character: 'bpchar', char: 'bpchar', 'character varying': 'varchar', decimal: 'numeric',
  'timestamp with time zone': 'timestamptz', 'timestamp without time zone': 'timestamp', serial4: 'serial', serial8: 'bigserial',
  serial2: 'smallserial', int4range: 'int4range',
};

export function typeFromNode(tn: any): TypeInfo | undefined {
  if (!tn) return undefined;
  const parts = strings(tn.names);
  if (parts.length === 0) return undefined;
  let name = parts[parts.length - 1];
  const schema = parts.length > 1 && parts[0] !== 'pg_catalog' ? parts[parts.length - 2] : undefined;
  name = ALIASES[name] ?? name;
  const mods: number[] = [];
  for (const m of tn.typmods ?? []) {
    const v = m?.A_Const?.ival?.ival ?? (m?.A_Const?.ival ? 0 : undefined);
    if (typeof v === 'number') mods.push(v);
  }
  const array = Array.isArray(tn.arrayBounds) && tn.arrayBounds.length > 0;
  const base = (schema ? `${quoteIdent(schema)}.` : '') + (DISPLAY[name] ?? quoteIdent(name));
  const sql = `${base}${mods.length ? `(${mods.join(',')})` : ''}${array ? '[]' : ''}`;
  return { name, schema, mods, array, sql };
}
