// Section markers of migration frameworks (`-- +goose Down`, `-- migrate:down`, `-- +migrate Up`). Under one
// framework's preset, another framework's marker, or a directive the framework does not have, means nothing:
// the statements after it are linted as they stand, and pgsafe says the marker was not understood.

interface Family {
  framework: string;
  pattern: RegExp;
  known: RegExp;
}

const FAMILIES: Family[] = [
  { framework: 'goose', pattern: /^[ \t]*--[ \t]*\+goose[ \t]+([^\r\n]*?)[ \t]*$/gim, known: /^(?:up|down|no transaction|statementbegin|statementend|envsub[ \t]+(?:on|off))\b/i },
  { framework: 'dbmate', pattern: /^[ \t]*--[ \t]*migrate:([^\r\n]*?)[ \t]*$/gim, known: /^(?:up|down)\b/i },
  { framework: 'sql-migrate', pattern: /^[ \t]*--[ \t]*\+migrate[ \t]+([^\r\n]*?)[ \t]*$/gim, known: /^(?:up|down|statementbegin|statementend)\b/i },
];

/** One note per marker comment in `text` that the `framework` preset does not understand, with its line. */
export function markerNotes(text: string, framework: string | undefined): string[] {
  if (!framework || !/\+goose|migrate:|\+migrate/i.test(text)) return [];
  const out: string[] = [];
  for (const f of FAMILIES) {
    for (const m of text.matchAll(f.pattern)) {
      const line = lineAt(text, m.index);
      const marker = m[0].trim();
      if (f.framework !== framework) out.push(`line ${line}: \`${marker}\` is a ${f.framework} marker, not understood under the ${framework} preset; the statements after it are linted as they stand`);
      else if (!f.known.test(m[1])) out.push(`line ${line}: \`${marker}\` is not a ${framework} directive pgsafe knows; the statements after it are linted as they stand`);
      if (out.length >= 20) return out;
    }
  }
  return out;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
