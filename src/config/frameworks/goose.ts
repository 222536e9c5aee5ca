import { flatRoot, type FrameworkPreset } from './types.js';
import { blank } from './types.js';

const ANNOTATION = /^[ \t]*--[ \t]*\+goose[ \t]+(up|down|no transaction|statementbegin|statementend|envsub[ \t]+(?:on|off))\b.*$/gim;

function annotations(text: string): { kind: string; start: number; end: number }[] {
  const out: { kind: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(ANNOTATION)) out.push({ kind: m[1].toLowerCase().replace(/\s+/g, ' '), start: m.index!, end: m.index! + m[0].length });
  return out;
}

/**
 * goose: one file per migration with `-- +goose Up` and `-- +goose Down`
 * sections; `StatementBegin`/`StatementEnd` bracket statements that contain
 * semicolons. goose runs the Up section in a transaction unless the file has
 * `-- +goose NO TRANSACTION`. Only the Up section is linted: the Down section
 * is blanked, so lines and columns stay the file's own.
 */
export const goose: FrameworkPreset = {
  name: 'goose',
  label: 'goose',
  root: flatRoot,
  isMigration: (path) => /\.sql$/i.test(path),
  downs: { in: 'section', marker: '-- +goose Down' },
  recognise: (_path, text) => annotations(text).some((m) => m.kind === 'up'),
  prepare(_path, text) {
    const marks = annotations(text);
    const down = marks.find((m) => m.kind === 'down');
    const up = marks.find((m) => m.kind === 'up');
    let out = text;
    // goose runs the Up section only: from its marker to the Down marker (or the end of the file).
    if (down && (!up || down.start > up.start)) out = blank(out, down.start, text.length);
    else if (down && up && down.start < up.start) out = blank(out, down.start, up.start);
    return {
      text: out,
      inTransaction: !marks.some((m) => m.kind === 'no transaction'),
      optOut: 'goose runs each migration in a transaction: add `-- +goose NO TRANSACTION` at the top of the file, and keep this statement in a migration of its own',
    };
  },
  downFor(upPath, text) {
    const marks = annotations(text);
    const down = marks.find((m) => m.kind === 'down');
    if (!down) return undefined;
    const up = marks.find((m) => m.kind === 'up' && m.start > down.start);
    return { kind: 'section', path: upPath, span: { start: down.start, end: up ? up.start : text.length } };
  },
};
