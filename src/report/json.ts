import { summarize, type Reporter } from './types.js';

export const json: Reporter = ({ files }) => {
  const out = {
    version: 1,
    files: files.map((f) => ({
      path: f.path,
      findings: f.findings.map((x) => ({
        rule: x.rule,
        severity: x.severity,
        line: x.line,
        column: x.column,
        endLine: x.endLine,
        endColumn: x.endColumn,
        message: x.message,
        help: x.help ?? null,
        ...(x.related?.length ? { related: x.related.map((n) => ({ rule: n.rule, line: n.line, column: n.column, endLine: n.endLine, endColumn: n.endColumn, message: n.message })) } : {}),
        ...(x.estimate ? { estimate: x.estimate } : {}),
      })),
    })),
    summary: summarize(files),
  };
  return JSON.stringify(out, null, 2) + '\n';
};
