import { ruleDocsUrl } from '../engine/rule.js';
import { summarize, type Reporter } from './types.js';

function xml(s: string): string {
  return s
    // XML 1.0 forbids most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * JUnit XML (GitLab, Jenkins): one test suite per file, one test case per
 * finding. Errors and warnings are failures; info findings pass with their
 * message in system-out. A clean file is one passing test case.
 */
export const junit: Reporter = ({ files }) => {
  const s = summarize(files);
  const failures = s.errors + s.warnings;
  const tests = files.reduce((n, f) => n + Math.max(1, f.findings.length), 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="pgsafe" tests="${tests}" failures="${failures}" errors="0">`];
  for (const f of files) {
    const fails = f.findings.filter((x) => x.severity !== 'info').length;
    const name = xml(f.path);
    out.push(`  <testsuite name="${name}" tests="${Math.max(1, f.findings.length)}" failures="${fails}" errors="0">`);
    if (f.findings.length === 0) out.push(`    <testcase name="${name}" classname="${name}" file="${name}"/>`);
    for (const x of f.findings) {
      const tc = `    <testcase name="${xml(`${x.rule} at ${x.line}:${x.column}`)}" classname="${name}" file="${name}" line="${x.line}">`;
      const body = xml([`${f.path}:${x.line}:${x.column}: ${x.message}`, ...(x.help ? ['', x.help] : []), '', ruleDocsUrl(x.rule)].join('\n'));
      out.push(tc);
      if (x.severity === 'info') out.push(`      <system-out>${body}</system-out>`);
      else out.push(`      <failure message="${xml(x.message)}" type="${x.severity}">${body}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
};
