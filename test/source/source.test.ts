import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSource, initParser, parseSource } from '../../src/source/index.js';
import { lex } from '../../src/source/lexer.js';

beforeAll(() => initParser());

const kinds = (text: string) => parseSource(text).statements.map((s) => s.kind);
const at = (text: string) => parseSource(text).statements.map((s) => [s.line, s.column, s.endLine, s.endColumn]);

describe('decodeSource', () => {
  it('strips a UTF-8 BOM and reports it', () => {
    const r = decodeSource(Buffer.from('\uFEFFSELECT 1;', 'utf8'));
    expect(r).toEqual({ ok: true, text: 'SELECT 1;', bom: true });
  });
  it('refuses binary content with the offset of the NUL byte', () => {
    const r = decodeSource(Buffer.from([0x53, 0x45, 0x00, 0xff]));
    expect(r).toMatchObject({ ok: false, offset: 2 });
    expect(!r.ok && r.message).toMatch(/not a text file: NUL byte at offset 2/);
  });
  it('refuses invalid UTF-8 and names the byte', () => {
    const r = decodeSource(Buffer.from([0x53, 0x45, 0x4c, 0xc3, 0x28]));
    expect(r).toMatchObject({ ok: false, offset: 3 });
    expect(!r.ok && r.message).toMatch(/not valid UTF-8: byte 0xc3 at offset 3/);
  });
});

describe('parseSource', () => {
  it('gives empty and comment-only files no statements', () => {
    expect(kinds('')).toEqual([]);
    expect(kinds('   \n\n')).toEqual([]);
    expect(kinds('-- only a comment\n/* and a block */\n')).toEqual([]);
    expect(kinds(';;\n;')).toEqual([]);
  });

  it('locates statements with 1-based lines and columns (end exclusive), leading comments excluded', () => {
    const text = '-- add index\nCREATE INDEX a ON t (x);\n  /* c */ SELECT 1;';
    expect(at(text)).toEqual([[2, 1, 2, 24], [3, 11, 3, 19]]);
  });

  it('counts columns in characters, not bytes', () => {
    const text = "SELECT 'héllo wörld'; SELECT 2;";
    const [, second] = parseSource(text).statements;
    expect([second.line, second.column]).toEqual([1, 23]);
  });

  it('handles CRLF line endings', () => {
    const text = 'SELECT 1;\r\nSELECT\r\n  2;\r\n';
    expect(at(text)).toEqual([[1, 1, 1, 9], [2, 1, 3, 4]]);
  });

  it('maps node byte locations to string offsets after multi-byte text', () => {
    const text = "SELECT 'ééé';\nCREATE INDEX i ON \"tàble\" (x);";
    const s = parseSource(text).statements[1];
    const off = s.toOffset(s.node.relation.location);
    expect(text.slice(off, off + 7)).toBe('"tàble"');
  });

  it('keeps going after a syntax error and reports only the broken statement', () => {
    const text = 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;\nCREATE INDEX i ON a (id);\n';
    const stmts = parseSource(text).statements;
    expect(stmts.map((s) => s.kind)).toEqual(['CreateStmt', 'SyntaxError', 'IndexStmt']);
    expect(stmts[1].error?.message).toMatch(/syntax error at or near ";"|syntax error at end of input/);
    expect(stmts[1].line).toBe(2);
  });

  it('points a syntax error at the offending token', () => {
    const text = 'SELECT 1;\nSELEC 2;';
    const [, bad] = parseSource(text).statements;
    expect(bad.error?.offset).toBe(10);
    expect(bad.error?.message).toMatch(/SELEC/);
  });

  it('survives unterminated strings and comments', () => {
    expect(kinds("SELECT 1; SELECT 'oops")).toEqual(['SelectStmt', 'SyntaxError']);
    expect(kinds('SELECT 1; /* never closed')).toEqual(['SelectStmt', 'SyntaxError']);
    expect(kinds('SELECT 1; SELECT $$ open')).toEqual(['SelectStmt', 'SyntaxError']);
  });

  it('does not split inside strings, quoted identifiers, dollar quotes or BEGIN ATOMIC bodies', () => {
    const text = [
      "SELECT 'a;b', E'c\\';d', \"e;f\";",
      'DO $body$ BEGIN PERFORM 1; END $body$;',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;',
      'CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);',
      'SELECT $1;',
    ].join('\n');
    expect(kinds(text)).toEqual(['SelectStmt', 'DoStmt', 'CreateFunctionStmt', 'RuleStmt', 'SelectStmt']);
  });

  it('collects comments for ignore directives', () => {
    const { comments } = lex('-- a\nSELECT 1; -- b\n/* c /* nested */ d */');
    expect(comments.map((c) => [c.body, c.ownLine])).toEqual([[' a', true], [' b', false], [' c /* nested */ d ', true]]);
  });

  it('parses a large file in batches with exact locations', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c int;`);
    lines[4000] = 'ALTER TABLE broken ADD;';
    const stmts = parseSource(lines.join('\n')).statements;
    expect(stmts).toHaveLength(5000);
    expect(stmts[4000]).toMatchObject({ kind: 'SyntaxError', line: 4001 });
    expect(stmts[4999]).toMatchObject({ kind: 'AlterTableStmt', line: 5000, column: 1 });
  });
});
