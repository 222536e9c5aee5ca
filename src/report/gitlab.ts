import { ciRoot, hash, repoPath } from './paths.js';
import type { Reporter } from './types.js';

const SEVERITY = { error: 'critical', warning: 'major', info: 'info' } as const;

/** GitLab Code Quality report (a JSON array of issues, 1-based lines). */
export const gitlab: Reporter = ({ files, cwd, env }) => {
  const root = ciRoot(cwd, env);
  const seen = new Map<string, number>();
  const issues = files.flatMap((f) => {
    const path = repoPath(f.path, root);
    return f.findings.map((x) => {
      const snippet = f.parsed ? f.parsed.lines.text.slice(x.start, x.end).replace(/\s+/g, ' ').trim() : '';
      // Stable across unrelated edits that move lines; the counter keeps repeats unique.
      const key = hash(path, x.rule, x.message, snippet);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      return {
        type: 'issue',
        check_name: x.rule,
        description: x.message,
        content: x.help ? { body: x.help } : undefined,
        categories: ['Bug Risk'],
        severity: SEVERITY[x.severity],
        fingerprint: hash(key, n).slice(0, 32),
        location: { path, lines: { begin: x.line, end: x.endLine } },
      };
    });
  });
  return JSON.stringify(issues, null, 2) + '\n';
};
