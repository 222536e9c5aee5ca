// The import graph of src/ and rules/, read from the files' import statements (static, type-only and dynamic).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Project-relative file → the project files it imports. */
export function importGraph(): Map<string, Set<string>> {
  const files = [...walk(join(ROOT, 'src'), []), ...walk(join(ROOT, 'rules'), [])];
  const graph = new Map<string, Set<string>>();
  for (const abs of files) {
    const from = relative(ROOT, abs).split(sep).join('/');
    const deps = new Set<string>();
    const text = readFileSync(abs, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) continue;
      deps.add(relative(ROOT, resolve(dirname(abs), spec.replace(/\.js$/, '.ts'))).split(sep).join('/'));
    }
    graph.set(from, deps);
  }
  return graph;
}

/** A file's folder: `src/cli/main.ts` → `cli`, `rules/x.ts` → `rules`. */
export function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' ? (parts.length > 2 ? parts[1] : 'src') : parts[0];
}

/** Strongly connected components with more than one member (each a cycle), by Tarjan's algorithm. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** The folder graph: folder → folders it imports, with one file edge as the witness of each. */
export function folderGraph(files: Map<string, Set<string>>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [from, deps] of files) {
    const a = folderOf(from);
    for (const to of deps) {
      const b = folderOf(to);
      if (a === b) continue;
      if (!out.has(a)) out.set(a, new Map());
      if (!out.get(a)!.has(b)) out.get(a)!.set(b, `${from} → ${to}`);
    }
  }
  return out;
}
