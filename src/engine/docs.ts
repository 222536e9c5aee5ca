import { ruleDocsUrl, type Rule } from './rule.js';

const VERSIONS = (r: Rule) => {
  const v = r.meta.pgVersions;
  if (!v) return 'all';
  if (v.min && v.max) return `${v.min}–${v.max}`;
  if (v.min) return `${v.min} and later`;
  return `up to ${v.max}`;
};

/** The rule page: generated from `meta.docs`, the only source of rule documentation. */
export function ruleMarkdown(rule: Rule): string {
  const m = rule.meta;
  const d = m.docs;
  const out: string[] = [
    `<!-- Generated from rules/${m.id}.ts by scripts/gen-docs.mjs. Do not edit. -->`,
    `# ${m.id}`,
    '',
    `${d.summary}.`,
    '',
    `| category | default severity | enabled by default | Postgres versions | fix |`,
    `| --- | --- | --- | --- | --- |`,
    `| ${m.category} | ${m.defaultSeverity} | ${m.recommended ? 'yes' : 'no (opt-in)'} | ${VERSIONS(rule)} | ${m.fix} |`,
    '',
  ];
  if (m.aliases?.length) out.push(`Also accepted as: ${m.aliases.map((a) => `\`${a}\``).join(', ')}.`, '');
  out.push('## What it does', '', d.what, '', '## Why is this bad?', '', d.why, '');
  out.push('## Example', '', '```sql', d.example.bad, '```', '', '## Use instead', '', '```sql', d.example.good, '```', '');
  if (d.whenNotToUse) out.push('## When not to use it', '', d.whenNotToUse, '');
  if (d.fixSafety) out.push('## Fix safety', '', d.fixSafety, '');
  if (d.references.length) out.push('## References', '', ...d.references.map((r) => `- <${r}>`), '');
  return out.join('\n');
}

/** `pgsafe explain`: the same content as the rule page, for a terminal. */
export function ruleText(rule: Rule): string {
  const m = rule.meta;
  const d = m.docs;
  const indent = (s: string) => s.split('\n').map((l) => `    ${l}`).join('\n');
  const out = [
    `${m.id} (${m.category}, ${m.defaultSeverity}${m.recommended ? '' : ', opt-in'}; Postgres ${VERSIONS(rule)})`,
    `${d.summary}.`,
    '',
    'What it does:',
    indent(d.what),
    '',
    'Why is this bad?',
    indent(d.why),
    '',
    'Example:',
    indent(d.example.bad),
    '',
    'Use instead:',
    indent(d.example.good),
    '',
  ];
  if (d.whenNotToUse) out.push('When not to use it:', indent(d.whenNotToUse), '');
  if (d.fixSafety) out.push('Fix safety:', indent(d.fixSafety), '');
  if (d.references.length) out.push('References:', ...d.references.map((r) => `    ${r}`), '');
  out.push(`Docs: ${ruleDocsUrl(m.id)}`, '');
  return out.join('\n');
}
