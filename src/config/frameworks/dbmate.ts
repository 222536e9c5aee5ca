import { flatRoot, type FrameworkPreset } from './types.js';
import { blank } from './types.js';

const UP = /^[ \t]*--[ \t]*migrate:up\b(.*)$/im;
const DOWN = /^[ \t]*--[ \t]*migrate:down\b.*$/im;

/**
 * dbmate: `-- migrate:up` and `-- migrate:down` sections in one file. The up
 * section runs in a transaction unless its marker says `transaction:false`.
 * The down section is blanked.
 */
export const dbmate: FrameworkPreset = {
  name: 'dbmate',
  label: 'dbmate',
  root: flatRoot,
  isMigration: (path) => /\.sql$/i.test(path),
  downs: { in: 'section', marker: '-- migrate:down' },
  recognise: (_path, text) => UP.test(text),
  prepare(_path, text) {
    const up = UP.exec(text);
    const down = DOWN.exec(text);
    let out = text;
    if (down) out = up && up.index > down.index ? blank(out, down.index, up.index) : blank(out, down.index, text.length);
    return {
      text: out,
      inTransaction: !(up && /\btransaction:false\b/i.test(up[1])),
      optOut: 'dbmate runs each migration in a transaction: change the marker to `-- migrate:up transaction:false`, and keep this statement in a migration of its own',
    };
  },
  downFor(upPath, text) {
    const up = UP.exec(text);
    const down = DOWN.exec(text);
    if (!down) return undefined;
    return { kind: 'section', path: upPath, span: { start: down.index, end: up && up.index > down.index ? up.index : text.length } };
  },
};
