import type { Reporter } from './types.js';

const KIND = { error: 'error', warning: 'warning', info: 'note' } as const;

/** `path:line:col: error|warning|note: message [rule]`, 1-based, for vim quickfix, emacs compile-mode and VS Code problem matchers. */
export const gcc: Reporter = ({ files }) => {
  const out: string[] = [];
  for (const f of files) {
    for (const x of f.findings) out.push(`${f.path}:${x.line}:${x.column}: ${KIND[x.severity]}: ${x.message.replace(/\s*\n\s*/g, ' ')} [${x.rule}]`);
  }
  return out.length ? out.join('\n') + '\n' : '';
};
