// The schema a migration history leaves: files that ran before the ones being linted, analysed as the engine
// analyses inputs that only feed the schema (`lint: false`): the framework's text, the file's own transaction
// override, the one analyzer loop (`runStatements`); down sections blanked and down files left out, since they
// only undo their up. The language server keeps the result and lints the edited file on a copy of it.
import { Analyzer, runStatements } from '../analysis/analyzer.js';
import type { SchemaModel } from '../analysis/schema.js';
import type { AnalysisSettings } from '../analysis/types.js';
import { expandBodies } from '../engine/bodies.js';
import type { LintInput } from '../engine/engine.js';
import { transactionOverride } from '../engine/ignores.js';
import { withRollback, type WithRollbackOptions } from '../rollback/inputs.js';
import { parseSource } from '../source/index.js';

export interface HistoryOptions extends Pick<WithRollbackOptions, 'framework' | 'frameworkOf' | 'fs'> {
  /** Yield to the event loop after this many files (a long history takes seconds; a server must keep answering). */
  yieldEvery?: number;
}

/** The schema model after `inputs` (prepared texts, in the order they run). */
export async function historySchema(inputs: LintInput[], settings: AnalysisSettings, o: HistoryOptions = {}): Promise<SchemaModel> {
  const ready = await withRollback(inputs.map((i) => ({ ...i, lint: false })), { framework: o.framework, frameworkOf: o.frameworkOf, fs: o.fs, lintDown: false });
  const analyzer = new Analyzer(settings);
  let n = 0;
  for (const input of ready) {
    if (input.rollbackOf || input.text === undefined) continue;
    if (o.yieldEvery && ++n % o.yieldEvery === 0) await new Promise((r) => setImmediate(r));
    const parsed = parseSource(input.text);
    const inTransaction = transactionOverride(parsed.comments);
    analyzer.beginFile(input.path, inTransaction === undefined ? input.fileOptions : { ...input.fileOptions, inTransaction });
    runStatements(analyzer, expandBodies(parsed));
  }
  return analyzer.schema;
}
