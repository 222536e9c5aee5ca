// One way to print findings, whoever found them: lint, replay's measurements, rollback round trips. A finder
// makes engine `Finding`s (rule ids from the registry, positions in the file) and hands them here by file.
import type { FileResult, Finding } from '../engine/engine.js';
import type { Rule } from '../engine/rule.js';
import { reporters } from './index.js';

export interface RenderOptions {
  rules: readonly Rule[];
  color?: boolean;
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** A file's findings as reporters take them, for finders that lint no statements themselves. */
export function findingsOf(path: string, findings: Finding[], statements = 0): FileResult {
  return { path, findings: [...findings].sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule)), statements };
}

/** The report in `format` (any of `reporters`); throws on an unknown format, naming the known ones. */
export function renderFindings(format: string, files: FileResult[], o: RenderOptions): string {
  const reporter = reporters[format];
  if (!reporter) throw new Error(`unknown format "${format}" (one of ${Object.keys(reporters).join(', ')})`);
  return reporter({ files, rules: o.rules, color: !!o.color, cwd: o.cwd, env: o.env });
}
