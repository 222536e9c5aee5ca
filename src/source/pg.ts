// The Postgres parser (libpg-query's WASM build), in an instance pgsafe owns.
//
// A trap inside the WASM code (a stack overflow on a deeply nested expression, an out-of-bounds table index) can
// leave the instance's memory allocator and stack pointer corrupt: every later parse then fails or lies. So after
// any error that is not a plain SQL syntax error, the instance is thrown away and a fresh one made, synchronously,
// from the module compiled once. libpg-query's own wrapper keeps one instance for the life of the process, so it
// is not used (importing it would also compile the module a second time).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export class ParserSyntaxError extends Error {
  constructor(message: string, readonly cursorPosition: number) {
    super(message);
  }
}

/** The parser trapped (stack overflow, memory); the instance was replaced. */
export class ParserTrap extends Error {}

interface Instance {
  _malloc(n: number): number;
  _free(p: number): void;
  _wasm_parse_query_raw(p: number): number;
  _wasm_free_parse_result(p: number): void;
  _wasm_parse_plpgsql(p: number): number;
  _wasm_free_string(p: number): void;
  getValue(p: number, type: string): number;
  UTF8ToString(p: number): string;
  stringToUTF8(s: string, p: number, n: number): void;
  lengthBytesUTF8(s: string): number;
}

// The CLI bundle is CommonJS (its own `require`); dist/src and the tests are ES modules.
const requireHere: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url);
let compiled: Promise<WebAssembly.Module> | undefined;
let module: WebAssembly.Module | undefined;
let current: Instance | undefined;
let traps = 0;

/** Compiles the parser once; must have resolved before any parse. */
export function loadParser(): Promise<void> {
  compiled ??= WebAssembly.compile(readFileSync(requireHere.resolve('libpg-query/wasm/libpg-query.wasm')));
  return compiled.then((m) => {
    module = m;
  });
}

/** How many times the parser trapped and was re-created in this process. */
export function parserTraps(): number {
  return traps;
}

function instance(): Instance {
  if (current) return current;
  if (!module) throw new Error('the parser is not loaded: call initParser() first');
  const glue = requireHere('libpg-query/wasm/libpg-query.js') as (m: object) => Promise<unknown>;
  const m: Record<string, unknown> = { print: () => {}, printErr: () => {} };
  let ctors: (() => void) | undefined;
  let ran = false;
  const runCtors = () => {
    if (!ran) { ran = true; ctors?.(); }
  };
  m.instantiateWasm = (imports: WebAssembly.Imports, done: (i: { exports: object }) => void) => {
    const inst = new WebAssembly.Instance(module!, imports);
    const exports: Record<string, unknown> = { ...inst.exports };
    // The glue runs the static constructors after an await; run them now so the instance is usable at once.
    ctors = exports.A as () => void;
    exports.A = runCtors;
    done({ exports });
    return {};
  };
  glue(m).catch(() => {});
  runCtors();
  current = m as unknown as Instance;
  return current;
}

function call<T>(query: string, run: (w: Instance, ptr: number) => T): T {
  const w = instance();
  let ptr = 0;
  try {
    const len = w.lengthBytesUTF8(query) + 1;
    ptr = w._malloc(len);
    w.stringToUTF8(query, ptr, len);
    return run(w, ptr);
  } catch (err) {
    if (err instanceof ParserSyntaxError) throw err;
    // Anything else came from inside the WASM code: do not trust this instance again.
    current = undefined;
    traps++;
    throw new ParserTrap((err as Error)?.message ?? String(err));
  } finally {
    if (ptr && current === w) w._free(ptr);
  }
}

/** Parses SQL into libpg-query's JSON tree; throws ParserSyntaxError or ParserTrap. */
export function pgParse(query: string): { stmts?: any[] } {
  return call(query, (w, ptr) => {
    const result = w._wasm_parse_query_raw(ptr);
    if (!result) throw new Error('parser out of memory');
    try {
      const tree = w.getValue(result, 'i32');
      const error = w.getValue(result + 8, 'i32');
      if (error) {
        const message = w.UTF8ToString(w.getValue(error, 'i32')) || 'syntax error';
        const cursor = w.getValue(error + 16, 'i32');
        throw new ParserSyntaxError(message, cursor > 0 ? cursor - 1 : 0);
      }
      if (!tree) throw new Error('no parse tree');
      return JSON.parse(w.UTF8ToString(tree));
    } finally {
      if (current === w) w._wasm_free_parse_result(result);
    }
  });
}

/** Parses a PL/pgSQL function or DO body (the whole CREATE FUNCTION or DO statement); throws on any error. */
export function pgParsePlpgsql(query: string): any {
  return call(query, (w, ptr) => {
    const result = w._wasm_parse_plpgsql(ptr);
    try {
      const s = w.UTF8ToString(result);
      if (!s.startsWith('{')) throw new ParserSyntaxError(s || 'PL/pgSQL syntax error', 0);
      return JSON.parse(s);
    } finally {
      if (result && current === w) w._wasm_free_string(result);
    }
  });
}
