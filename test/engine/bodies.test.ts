import { beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseSource } from '../../src/source/index.js';
import { bodyStatements, expandBodies, inQuotedBody } from '../../src/engine/bodies.js';
import { lint } from '../../src/engine/engine.js';
import addingFieldWithDefault from '../../rules/adding-field-with-default.js';
import requireConcurrentIndexCreation from '../../rules/require-concurrent-index-creation.js';
import { sql } from '../helpers/rule-tester.js';

beforeAll(() => initParser());

function inner(text: string) {
  const parsed = parseSource(text);
  return expandBodies(parsed).filter((s) => s.parent).map((s) => ({ kind: s.kind, line: s.line, column: s.column, text: s.text }));
}

async function findings(text: string, assumeInTransaction = false) {
  const [res] = await lint([{ path: 'm.sql', text }], {
    rules: [addingFieldWithDefault, requireConcurrentIndexCreation],
    pgVersion: 15,
    assumeInTransaction,
  });
  return res.findings.map((f) => ({ rule: f.rule, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, fix: !!f.fix }));
}

describe('expandBodies', () => {
  it('reports a rewrite inside a DO block at the inner statement', async () => {
    const text = sql`
      CREATE TABLE audit (id bigint);
      DO $$
      BEGIN
        ALTER TABLE users ADD COLUMN token float8 DEFAULT random();
      END
      $$;
    `;
    expect(await findings(text)).toEqual([
      { rule: 'adding-field-with-default', line: 4, column: 3, endLine: 4, endColumn: 61, fix: false },
    ]);
  });

  it('places inner statements right after their DO, with exact text', () => {
    const text = 'SELECT 1;\nDO $body$ BEGIN DELETE FROM t WHERE id = 1; UPDATE t SET a = 2 WHERE id = 3; END $body$;\nSELECT 2;\n';
    const all = expandBodies(parseSource(text));
    expect(all.map((s) => s.kind)).toEqual(['SelectStmt', 'DoStmt', 'DeleteStmt', 'UpdateStmt', 'SelectStmt']);
    expect(all[2].text).toBe('DELETE FROM t WHERE id = 1');
    expect(all[3].text).toBe('UPDATE t SET a = 2 WHERE id = 3');
    expect(all[3].parent).toBe(all[1]);
    expect(all[3].index).toBe(all[1].index);
    expect([all[3].line, all[3].column, all[3].endColumn]).toEqual([2, 45, 76]);
    // Node locations map into the file: the relation `t` of the UPDATE.
    expect(text.slice(all[3].toOffset(all[3].node.relation.location), all[3].toOffset(all[3].node.relation.location) + 1)).toBe('t');
  });

  it('maps repeated identical statements to their own places', () => {
    const text = sql`
      DO $$
      BEGIN
        DELETE FROM t; DELETE FROM t;
        DELETE FROM t;
      END $$;
    `;
    expect(inner(text).map((s) => `${s.line}:${s.column}`)).toEqual(['3:3', '3:18', '4:3']);
  });

  it('finds statements in IF, ELSIF, ELSE, LOOP, FOR, CASE, nested blocks and EXCEPTION handlers', () => {
    const text = sql`
      DO $$
      DECLARE r record;
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_a_idx') THEN
          CREATE INDEX users_a_idx ON users (a);
        ELSIF true THEN
          DELETE FROM a WHERE id = 1;
        ELSE
          DELETE FROM b WHERE id = 1;
        END IF;
        FOR r IN SELECT id FROM users LOOP
          UPDATE users SET a = 1 WHERE id = r.id;
        END LOOP;
        LOOP
          DELETE FROM c WHERE id = 1;
          EXIT;
        END LOOP;
        CASE WHEN r IS NULL THEN INSERT INTO d VALUES (1); ELSE INSERT INTO e VALUES (1); END CASE;
        BEGIN
          BEGIN
            ALTER TABLE f ADD COLUMN g int;
          END;
        EXCEPTION WHEN duplicate_column THEN
          ALTER TABLE f DROP COLUMN g;
        END;
      END $$;
    `;
    expect(inner(text).map((s) => `${s.line}:${s.column} ${s.kind}`)).toEqual([
      '5:5 IndexStmt',
      '7:5 DeleteStmt',
      '9:5 DeleteStmt',
      '12:5 UpdateStmt',
      '15:5 DeleteStmt',
      '18:28 InsertStmt',
      '18:59 InsertStmt',
      '21:7 AlterTableStmt',
      '24:5 AlterTableStmt',
    ]);
  });

  it('never treats text inside string literals as statements', async () => {
    const text = sql`
      DO $$
      BEGIN
        RAISE NOTICE 'CREATE INDEX users_a_idx ON users (a)';
        PERFORM set_config('x', 'CREATE INDEX i ON users (a); ALTER TABLE users ADD COLUMN b float8 DEFAULT random()', false);
        EXECUTE format('CREATE INDEX %I ON users (a)', 'i');
        EXECUTE 'CREATE INDEX ' || 'i ON users (a)';
      END $$;
    `;
    expect(inner(text)).toEqual([]);
    expect(await findings(text)).toEqual([]);
  });

  it('follows EXECUTE of a constant string, at the string content', () => {
    const text = sql`
      DO $$
      BEGIN
        EXECUTE 'CREATE INDEX users_a_idx ON users (a)';
        EXECUTE $q$DELETE FROM t WHERE a = 'x'$q$;
      END $$;
    `;
    expect(inner(text)).toEqual([
      { kind: 'IndexStmt', line: 3, column: 12, text: 'CREATE INDEX users_a_idx ON users (a)' },
      { kind: 'DeleteStmt', line: 4, column: 14, text: "DELETE FROM t WHERE a = 'x'" },
    ]);
  });

  it('maps a single-quoted DO body with doubled quotes', () => {
    const text = "DO 'BEGIN DELETE FROM t WHERE a = ''x''; UPDATE t SET b = 1 WHERE a = ''y''; END';\n";
    const all = expandBodies(parseSource(text)).filter((s) => s.parent);
    expect(all.map((s) => s.text)).toEqual(["DELETE FROM t WHERE a = ''x''", "UPDATE t SET b = 1 WHERE a = ''y''"]);
    expect(all.every((s) => inQuotedBody.has(s))).toBe(true);
  });

  it('handles SELECT … INTO, whose INTO clause PL/pgSQL blanks out', () => {
    const text = sql`
      DO $$
      DECLARE n int;
      BEGIN
        SELECT count(*) INTO n FROM users;
        DELETE FROM users WHERE id = n;
      END $$;
    `;
    expect(inner(text).map((s) => `${s.line}:${s.column} ${s.kind}`)).toEqual(['4:3 SelectStmt', '5:3 DeleteStmt']);
  });

  it('binds PL/pgSQL variables as parameters, as PL/pgSQL does, keeping every offset', () => {
    const text = sql`
      DO $$
      DECLARE art record; n bigint; v_size bigint;
      BEGIN
        FOR art IN SELECT * FROM artifact WHERE size = 0 LOOP
          UPDATE artifact SET size = v_size WHERE id = art.id AND n > 0;
        END LOOP;
        EXECUTE 'DELETE FROM artifact WHERE id = art.id';
      END $$;
    `;
    const [upd, del] = expandBodies(parseSource(text)).filter((s) => s.parent);
    expect(upd.text).toBe('UPDATE artifact SET size = v_size WHERE id = art.id AND n > 0');
    const where = upd.node.whereClause.BoolExpr.args;
    expect(where[0].A_Expr.rexpr.ParamRef).toBeDefined();
    expect(where[1].A_Expr.lexpr.A_Const).toBeDefined();
    expect(upd.node.targetList[0].ResTarget.val.ParamRef).toBeDefined();
    // The SET target and the table keep their names; locations still point into the file.
    expect(upd.node.targetList[0].ResTarget.name).toBe('size');
    expect(text.slice(upd.toOffset(where[0].A_Expr.rexpr.ParamRef.location)).startsWith('art.id')).toBe(true);
    // EXECUTE runs plain SQL: no variables there.
    expect(del.node.whereClause.A_Expr.rexpr.ColumnRef).toBeDefined();
  });

  it('maps offsets after multi-byte characters', () => {
    const text = "-- café ☕ 😀\nDO $$ BEGIN /* é */ ALTER TABLE users ADD COLUMN t float8 DEFAULT random(); END $$;\n";
    const s = expandBodies(parseSource(text)).find((x) => x.parent)!;
    expect([s.line, s.column]).toEqual([2, 21]);
    expect(text.slice(s.start, s.end)).toBe('ALTER TABLE users ADD COLUMN t float8 DEFAULT random()');
  });

  it('skips bodies and statements that do not parse, without throwing', () => {
    const text = sql`
      DO $$ BEGIN garbage here; END $$;
      DO $$ BEGIN DELETE FROM t WHERE a = 1; END $$;
      DO LANGUAGE plpython3u $$ print(1) $$;
    `;
    expect(inner(text).map((s) => s.kind)).toEqual(['DeleteStmt']);
  });

  it('treats the inner statements of a DO as running in a transaction: no CONCURRENTLY fix', async () => {
    const text = 'DO $$ BEGIN CREATE INDEX users_a_idx ON users (a); END $$;\n';
    expect(await findings(text)).toEqual([
      { rule: 'require-concurrent-index-creation', line: 1, column: 13, endLine: 1, endColumn: 50, fix: false },
    ]);
  });

  it('does not expand function bodies into migration statements, but can parse them', async () => {
    const text = sql`
      CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        ALTER TABLE users ADD COLUMN token float8 DEFAULT random();
        RETURN NEW;
      END
      $fn$;
      CREATE PROCEDURE p() AS 'BEGIN DELETE FROM t WHERE a = ''x''; END' LANGUAGE plpgsql;
      CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
    `;
    const parsed = parseSource(text);
    expect(expandBodies(parsed)).toHaveLength(3);
    expect(await findings(text)).toEqual([]);
    const fn = bodyStatements(parsed, parsed.statements[0]);
    expect(fn.map((s) => `${s.line}:${s.column} ${s.kind}`)).toEqual(['3:3 AlterTableStmt']);
    expect(bodyStatements(parsed, parsed.statements[1]).map((s) => s.text)).toEqual(["DELETE FROM t WHERE a = ''x''"]);
    expect(bodyStatements(parsed, parsed.statements[2])).toEqual([]);
  });

  it('an ignore comment above the DO covers the statements inside it', async () => {
    const text = '-- pgsafe-ignore adding-field-with-default\nDO $$ BEGIN ALTER TABLE users ADD COLUMN t float8 DEFAULT random(); END $$;\n';
    expect(await findings(text)).toEqual([]);
  });
});
