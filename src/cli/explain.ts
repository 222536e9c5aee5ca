import { ruleText } from '../engine/docs.js';
import { ruleDocsUrl, type Rule } from '../engine/rule.js';

export function explainRule(rule: Rule): string {
  return ruleText(rule);
}

export function rulesTable(rules: readonly Rule[], format: 'table' | 'json'): string {
  const sorted = [...rules].sort((a, b) => a.meta.category.localeCompare(b.meta.category) || a.meta.id.localeCompare(b.meta.id));
  if (format === 'json') {
    return JSON.stringify(sorted.map((r) => ({
      id: r.meta.id, category: r.meta.category, defaultSeverity: r.meta.defaultSeverity, recommended: r.meta.recommended,
      pgVersions: r.meta.pgVersions ?? null, fix: r.meta.fix, aliases: r.meta.aliases ?? [], summary: r.meta.docs.summary, url: ruleDocsUrl(r.meta.id),
    })), null, 2) + '\n';
  }
  const w = Math.max(...sorted.map((r) => r.meta.id.length));
  const lines = sorted.map((r) => `${r.meta.id.padEnd(w)}  ${r.meta.category.padEnd(7)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.recommended ? '   ' : 'opt'}  ${r.meta.docs.summary}`);
  return [`${'rule'.padEnd(w)}  category severity  on?  summary`, ...lines, ''].join('\n');
}
