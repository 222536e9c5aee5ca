import type { FileResult } from '../engine/engine.js';
import type { Rule } from '../engine/rule.js';

export interface ReportInput {
  files: FileResult[];
  rules: readonly Rule[];
  color: boolean;
  /** Absolute-or-relative paths as given; reporters print them as they are. */
  cwd: string;
  /** The environment CI paths are read from (GITHUB_WORKSPACE, CI_PROJECT_DIR); the process's when absent. */
  env?: Record<string, string | undefined>;
}

export type Reporter = (input: ReportInput) => string;

export interface Summary {
  files: number;
  statements: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(files: FileResult[]): Summary {
  const s: Summary = { files: files.length, statements: 0, errors: 0, warnings: 0, infos: 0 };
  for (const f of files) {
    s.statements += f.statements;
    for (const x of f.findings) {
      if (x.severity === 'error') s.errors++;
      else if (x.severity === 'warning') s.warnings++;
      else s.infos++;
    }
  }
  return s;
}
