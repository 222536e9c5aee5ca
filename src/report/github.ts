import { ciRoot, repoPath } from './paths.js';
import { summarize, type Reporter } from './types.js';
import { ruleDocsUrl } from '../engine/rule.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: one annotation per finding, 1-based. */
export const github: Reporter = ({ files, cwd, env }) => {
  const root = ciRoot(cwd, env);
  const out: string[] = [];
  for (const f of files) {
    for (const x of f.findings) {
      const props = [
        `file=${escapeProperty(repoPath(f.path, root))}`,
        `line=${x.line}`,
        `col=${x.column}`,
        `endLine=${x.endLine}`,
        `endColumn=${x.endColumn}`,
        `title=${escapeProperty(x.rule)}`,
      ];
      const body = [x.message, ...(x.help ? ['', x.help] : []), ...(x.related ?? []).map((n) => `Also [${n.rule}]: ${n.message}`), '', ruleDocsUrl(x.rule)].join('\n');
      out.push(`::${COMMAND[x.severity]} ${props.join(',')}::${escapeData(body)}`);
    }
  }
  const s = summarize(files);
  out.push(`pgsafe: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info (${s.files} file${s.files === 1 ? '' : 's'}, ${s.statements} statement${s.statements === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
};
