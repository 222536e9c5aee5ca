import type { Finding, FileResult } from '../engine/engine.js';
import { ruleDocsUrl, type Rule } from '../engine/rule.js';
import { ciRoot, hash, repoPath } from './paths.js';
import type { Reporter } from './types.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 for GitHub code scanning: 1-based regions, columns in code points. */
export const sarif: Reporter = ({ files, rules, cwd, env }) => {
  const root = ciRoot(cwd, env);
  const sorted = [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  const index = new Map(sorted.map((r, i) => [r.meta.id, i]));
  const results = files.flatMap((f) => f.findings.map((x) => result(f, x, index, root)));
  const log = {
    $schema: 'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pgsafe',
            informationUri: 'https://github.com/pgsafe/pgsafe',
            version: '0.1.0',
            semanticVersion: '0.1.0',
            rules: sorted.map(descriptor),
          },
        },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  // Machine-read (code scanning uploads): compact, since a 50,000-statement file yields tens of MB.
  return JSON.stringify(log) + '\n';
};

function descriptor(r: Rule) {
  const d = r.meta.docs;
  const markdown = [d.what, '', d.why, '', 'Instead of:', '', '```sql', d.example.bad, '```', '', 'Use:', '', '```sql', d.example.good, '```', '', `[Documentation](${ruleDocsUrl(r.meta.id)})`].join('\n');
  return {
    id: r.meta.id,
    name: r.meta.id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()),
    ...(r.meta.aliases?.length ? { deprecatedIds: [...new Set(r.meta.aliases.filter((a) => a !== r.meta.id))] } : {}),
    shortDescription: { text: d.summary },
    fullDescription: { text: d.what },
    help: { text: `${d.what}\n\n${d.why}`, markdown },
    helpUri: ruleDocsUrl(r.meta.id),
    defaultConfiguration: { enabled: r.meta.recommended, level: LEVEL[r.meta.defaultSeverity] },
    properties: { tags: [r.meta.category], category: r.meta.category },
  };
}

function result(f: FileResult, x: Finding, index: Map<string, number>, root: string) {
  const uri = encodeURI(repoPath(f.path, root));
  const lines = f.parsed?.lines;
  const region = { startLine: x.line, startColumn: x.column, endLine: x.endLine, endColumn: x.endColumn };
  const ruleIndex = index.get(x.rule);
  const snippet = lines ? lines.text.slice(x.start, x.end) : '';
  const out: Record<string, unknown> = {
    ruleId: x.rule,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[x.severity],
    message: { text: x.help ? `${x.message}\n\n${x.help}` : x.message },
    locations: [{ physicalLocation: { artifactLocation: { uri }, region } }],
    // Folded aspects of the same problem (engine foldRelated): one result, the other rules' views as related locations.
    ...(x.related?.length
      ? { relatedLocations: x.related.map((n, i) => ({ id: i + 1, physicalLocation: { artifactLocation: { uri }, region: { startLine: n.line, startColumn: n.column, endLine: n.endLine, endColumn: n.endColumn } }, message: { text: `${n.message} [${n.rule}]` } })) }
      : {}),
    partialFingerprints: { 'pgsafe/v1': hash(x.rule, repoPath(f.path, root), snippet.replace(/\s+/g, ' ').trim() || `${x.line}`) },
    ...(x.estimate ? { properties: { estimate: x.estimate } } : {}),
  };
  if (x.fix && lines) {
    out.fixes = [
      {
        description: { text: x.fix.title },
        artifactChanges: [
          {
            artifactLocation: { uri },
            replacements: x.fix.edits.map((e) => {
              const s = lines.position(e.start);
              const t = lines.position(e.end);
              return { deletedRegion: { startLine: s.line, startColumn: s.column, endLine: t.line, endColumn: t.column }, insertedContent: { text: e.text } };
            }),
          },
        ],
      },
    ];
  }
  return out;
}
