// Inline ignores as issue 5 describes them, through the engine with every rule.
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint, type Finding } from '../../src/engine/engine.js';
import { sql } from '../helpers/rule-tester.js';

async function findings(text: string): Promise<Finding[]> {
  const [r] = await lint([{ path: 'm.sql', text }], { rules, pgVersion: 15, assumeInTransaction: false });
  return r.findings;
}

const at = (fs: Finding[], rule: string) => fs.filter((f) => f.rule === rule).map((f) => `${f.line}:${f.column}`);

describe('-- pgsafe-ignore', () => {
  it('covers the next statement only', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-column
      ALTER TABLE users DROP COLUMN legacy;
      ALTER TABLE users DROP COLUMN nickname;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual(['3:1']);
    expect(at(fs, 'unused-ignore')).toEqual([]);
  });

  it('covers the statement on the same line', async () => {
    const fs = await findings(sql`
      ALTER TABLE users DROP COLUMN legacy; -- pgsafe-ignore ban-drop-column
      ALTER TABLE users DROP COLUMN nickname;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual(['2:1']);
  });

  it('takes several rules separated by commas, and a reason after a colon', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-column, require-lock-timeout: unused since v42, see #1234
      ALTER TABLE users DROP COLUMN legacy;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual([]);
    expect(at(fs, 'require-lock-timeout')).toEqual([]);
    expect(at(fs, 'unused-ignore')).toEqual([]);
  });

  it('accepts a rule alias', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore prefer-timestamptz
      CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamp NOT NULL);
    `);
    expect(at(fs, 'prefer-timestamp-tz')).toEqual([]);
    expect(at(fs, 'unused-ignore')).toEqual([]);
  });

  it('works in a block comment', async () => {
    const fs = await findings('/* pgsafe-ignore ban-drop-column */\nALTER TABLE users DROP COLUMN legacy;\n');
    expect(at(fs, 'ban-drop-column')).toEqual([]);
  });
});

describe('-- pgsafe-ignore-file', () => {
  it('with rules, covers those rules in the whole file', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore-file ban-drop-column
      ALTER TABLE users DROP COLUMN legacy;
      ALTER TABLE users DROP COLUMN nickname;
      DROP TABLE sessions;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual([]);
    expect(at(fs, 'ban-drop-table')).toEqual(['4:1']);
  });

  it('without rules, covers every rule', async () => {
    const fs = await findings(sql`
      ALTER TABLE users DROP COLUMN legacy;
      -- pgsafe-ignore-file
      DROP TABLE sessions;
    `);
    expect(fs).toEqual([]);
  });
});

describe('squawk forms', () => {
  it('honours -- squawk-ignore and its "-- reason" form', async () => {
    const fs = await findings(sql`
      -- squawk-ignore ban-drop-column -- dropped after the v42 deploy
      ALTER TABLE users DROP COLUMN legacy;
      ALTER TABLE users DROP COLUMN nickname;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual(['3:1']);
    expect(at(fs, 'unused-ignore')).toEqual([]);
  });

  it('honours -- squawk-ignore-file', async () => {
    const fs = await findings(sql`
      -- squawk-ignore-file ban-drop-column
      ALTER TABLE users DROP COLUMN legacy;
      ALTER TABLE users DROP COLUMN nickname;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual([]);
  });
});

describe('unused-ignore', () => {
  it('reports an ignore naming an unknown rule', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-colum
      ALTER TABLE users DROP COLUMN legacy;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual(['2:1']);
    const u = fs.find((f) => f.rule === 'unused-ignore')!;
    expect(u).toMatchObject({ line: 1, column: 1, message: 'unknown rule `ban-drop-colum` in ignore comment' });
  });

  it('reports an ignore that suppresses nothing', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-table
      ALTER TABLE users DROP COLUMN legacy;
    `);
    expect(fs.find((f) => f.rule === 'unused-ignore')?.message).toBe('ignore for `ban-drop-table` suppresses nothing');
  });

  it('reports a file-wide ignore that suppresses nothing', async () => {
    const fs = await findings('-- pgsafe-ignore-file\nSELECT 1;\n');
    expect(fs.map((f) => [f.rule, f.message])).toEqual([['unused-ignore', 'file-wide ignore suppresses nothing']]);
  });

  it('reports each unused rule of a multi-rule ignore, and not the used one', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-column, ban-drop-table
      ALTER TABLE users DROP COLUMN legacy;
    `);
    expect(fs.filter((f) => f.rule === 'unused-ignore').map((f) => f.message)).toEqual(['ignore for `ban-drop-table` suppresses nothing']);
  });
});

describe('placement', () => {
  it('covers the statement it sits inside when written between its lines', async () => {
    const fs = await findings(sql`
      ALTER TABLE users
        -- pgsafe-ignore ban-drop-column
        DROP COLUMN legacy;
      ALTER TABLE users DROP COLUMN nickname;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual(['4:1']);
    expect(at(fs, 'unused-ignore')).toEqual([]);
  });

  it('skips blank lines and other comments between the ignore and its statement', async () => {
    const fs = await findings(sql`
      -- pgsafe-ignore ban-drop-column

      -- the column moved to profiles in #88
      ALTER TABLE users DROP COLUMN legacy;
    `);
    expect(at(fs, 'ban-drop-column')).toEqual([]);
  });
});
