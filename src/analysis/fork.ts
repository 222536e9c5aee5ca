import { Analyzer } from './analyzer.js';
import { SchemaModel } from './schema.js';

/**
 * A copy of a schema model deep enough that analysing statements on it never changes `src`: the analyzer replaces
 * Maps' entries and mutates column, constraint and enum objects, so those are copied; AST nodes (`expr`) and `Rel`s
 * are never mutated and are shared. Any other Map field added later is deep-copied entry by entry.
 * This runs for every file with a down migration, so it must stay cheap (structuredClone of every table made the
 * corpus lint 4× slower).
 */
export function cloneSchema(src: SchemaModel, dst = new SchemaModel()): SchemaModel {
  dst.tables.clear();
  for (const [k, t] of src.tables) {
    dst.tables.set(k, {
      ...t,
      columns: new Map([...t.columns].map(([n, c]) => [n, { ...c }])),
      constraints: new Map([...t.constraints].map(([n, c]) => [n, { ...c, columns: [...c.columns] }])),
      ...(t.partitionKey ? { partitionKey: { ...t.partitionKey, columns: [...t.partitionKey.columns] } } : {}),
    });
  }
  dst.indexes.clear();
  for (const [k, i] of src.indexes) dst.indexes.set(k, { ...i, columns: [...i.columns] });
  dst.enums.clear();
  for (const [k, e] of src.enums) dst.enums.set(k, { ...e, values: [...e.values] });
  const s = src as unknown as Record<string, unknown>;
  const d = dst as unknown as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (key === 'tables' || key === 'indexes' || key === 'enums') continue;
    const v = s[key];
    const target = d[key];
    if (!(v instanceof Map) || !(target instanceof Map)) continue;
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
