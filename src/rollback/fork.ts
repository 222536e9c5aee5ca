import { Analyzer } from '../analysis/analyzer.js';
import { SchemaModel } from '../analysis/schema.js';

/** A deep copy of a schema model: every Map field (tables, indexes, enums, and any added later) is copied entry by entry. */
export function cloneSchema(src: SchemaModel, dst = new SchemaModel()): SchemaModel {
  const s = src as unknown as Record<string, unknown>;
  const d = dst as unknown as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    const v = s[key];
    if (!(v instanceof Map)) continue;
    const target = d[key];
    if (!(target instanceof Map)) continue;
    target.clear();
    for (const [k, x] of v) target.set(k, structuredClone(x));
  }
  return dst;
}

/**
 * An analyzer that starts from a copy of `a`'s schema: a down migration is analysed on it, so the files linted
 * after it still see the schema their up migrations leave.
 */
export function forkAnalyzer(a: Analyzer): Analyzer {
  const f = new Analyzer(a.settings);
  f.newScope = a.newScope;
  cloneSchema(a.schema, f.schema);
  return f;
}
