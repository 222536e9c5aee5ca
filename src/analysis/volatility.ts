// Whether a DEFAULT expression is volatile. PG 11+ stores a non-volatile
// default in the catalog (no rewrite); a volatile one is computed per row.
// https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES
import { strings } from './names.js';

const VOLATILE = new Set([
  'random', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'clock_timestamp', 'timeofday', 'nextval', 'setval', 'txid_current', 'pg_current_xact_id', 'random_normal', 'gen_random_bytes',
  'uuid_generate_v7', 'statement_timestamp',
]);
// Stable or immutable: evaluated once when the column is added.
const NON_VOLATILE = new Set([
  'now', 'current_timestamp', 'transaction_timestamp', 'current_date', 'localtimestamp', 'lower', 'upper', 'coalesce',
  'nullif', 'greatest', 'least', 'to_timestamp', 'to_date', 'to_char', 'make_date', 'make_timestamp', 'make_timestamptz',
  'make_interval', 'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'array_fill', 'concat',
  'length', 'abs', 'round', 'trim', 'btrim', 'md5', 'current_user', 'current_schema', 'session_user', 'current_setting',
  'timezone', 'date_trunc', 'uuid_nil', 'uuid_ns_url', 'point', 'int4range', 'int8range', 'tstzrange', 'daterange',
  'numrange', 'tsrange', 'array', 'row', 'to_jsonb', 'to_json', 'format', 'replace', 'substring', 'left', 'right',
]);

export function defaultVolatility(expr: any): { volatile: boolean; why?: string } {
  let result: { volatile: boolean; why?: string } = { volatile: false };
  const visit = (x: any, depth: number) => {
    if (result.volatile || !x || typeof x !== 'object' || depth > 50) return;
    if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
    if (x.FuncCall) {
      const parts = strings(x.FuncCall.funcname);
      const name = parts[parts.length - 1]?.toLowerCase() ?? '';
      if (VOLATILE.has(name)) { result = { volatile: true }; return; }
      if (!NON_VOLATILE.has(name) && !(parts[0] === 'pg_catalog' && !VOLATILE.has(name))) {
        // CREATE FUNCTION defaults to VOLATILE, so an unknown function is assumed volatile.
        result = { volatile: true, why: `\`${name}()\` is not known to be stable; functions are VOLATILE unless declared otherwise` };
        return;
      }
    }
    if (x.SubLink) { result = { volatile: true, why: 'a subquery default is evaluated per row' }; return; }
    for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(expr, 0);
  return result;
}
