import { describe, expect, it } from 'vitest';
import rule from '../../rules/ban-plaintext-secret.js';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER USER app WITH PASSWORD NULL;\n',
    "CREATE ROLE app LOGIN PASSWORD '${app_password}';\n",
    "ALTER ROLE app PASSWORD '{{ .Password }}';\n",
    "CREATE ROLE app LOGIN PASSWORD '';\n",
    "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '${remote_password}');\n",
    "SELECT dblink_connect('c', 'host=db dbname=app user=app');\n",
    "ALTER SYSTEM SET work_mem = '64MB';\n",
    { name: 'a password column in a function body is not a connection string', sql: "CREATE FUNCTION check_login(u text, p text) RETURNS bool LANGUAGE sql AS $$ SELECT EXISTS (SELECT 1 FROM accounts WHERE username = u AND password = crypt(p, password)) $$;\n" },
    "COMMENT ON COLUMN users.password IS 'bcrypt hash, never plaintext';\n",
    { name: 'psql variable (does not parse, and is no secret)', sql: "ALTER ROLE app PASSWORD :'app_password';\n", settings: { allowSyntaxErrors: true } },
  ],
  invalid: [
    {
      name: 'a statement that does not parse still has its password found',
      sql: "CREATE ROLE x LOGIN PASSWORD 'Typo-secret-1' VALID UNTIL;\n",
      settings: { allowSyntaxErrors: true },
      errors: [{ messageId: 'unparsed', line: 1, column: 30, endLine: 1, endColumn: 45 }],
    },
    {
      name: 'CREATE ROLE … ENCRYPTED PASSWORD',
      sql: "CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'hunter2';\n",
      errors: [{ messageId: 'role', line: 1, column: 42, endLine: 1, endColumn: 51 }],
    },
    {
      name: 'ALTER USER … PASSWORD, quoted role name, comment before',
      sql: sql`
        -- rotate
        ALTER USER "App" WITH PASSWORD 'it''s-a-secret';
      `,
      errors: [{ messageId: 'role', line: 2, column: 32 }],
    },
    {
      name: 'pre-hashed md5 password',
      sql: "CREATE ROLE app LOGIN PASSWORD 'md5f3b6fd8b0fa1b1f9e2a1c2d3e4f5a6b7';\n",
      errors: [{ messageId: 'roleHash', line: 1, column: 32 }],
    },
    {
      name: 'user mapping and its ALTER: two findings',
      sql: sql`
        CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'pw-one');
        ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password 'pw-two');
      `,
      errors: [{ messageId: 'mapping', line: 1, column: 73 }, { messageId: 'mapping', line: 2, column: 64 }],
    },
    {
      name: 'dblink connection string',
      sql: "SELECT dblink_connect('c', 'host=db dbname=app password=s3cr3t');\n",
      errors: [{ messageId: 'conninfo', line: 1, column: 28 }],
    },
    {
      name: 'postgres URL with a password',
      sql: "SELECT * FROM dblink('postgresql://app:s3cr3t@db:5432/app', 'SELECT 1') AS t(x int);\n",
      errors: [{ messageId: 'conninfo', line: 1, column: 22 }],
    },
    {
      name: 'CREATE SUBSCRIPTION connection string',
      sql: "CREATE SUBSCRIPTION sub CONNECTION 'host=primary dbname=app password=repl-pw' PUBLICATION pub;\n",
      errors: [{ messageId: 'conninfo', line: 1, column: 36 }],
    },
    {
      name: 'ALTER SYSTEM primary_conninfo',
      sql: "ALTER SYSTEM SET primary_conninfo = 'host=primary user=repl password=repl-pw';\n",
      errors: [{ messageId: 'setting', line: 1, column: 37 }],
    },
    {
      name: 'setting whose name says secret, at role and database level',
      sql: sql`
        ALTER ROLE app SET app.api_key = 'k-123456';
        ALTER DATABASE app SET app.jwt_secret TO 'jwt-secret-value';
      `,
      errors: [{ messageId: 'setting', line: 1, column: 34 }, { messageId: 'setting', line: 2, column: 42 }],
    },
  ],
});

describe('ban-plaintext-secret never echoes the secret', () => {
  const cases: [string, string][] = [
    ["CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'hunter2';\n", 'hunter2'],
    ["ALTER USER \"App\" WITH PASSWORD 'it''s-a-secret';\n", "it''s-a-secret"],
    ["CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password 'pw-one');\n", 'pw-one'],
    ["SELECT dblink_connect('c', 'host=db dbname=app password=s3cr3t');\n", 's3cr3t'],
    ["SELECT * FROM dblink('postgresql://app:s3cr3t@db:5432/app', 'SELECT 1') AS t(x int);\n", 's3cr3t'],
    ["ALTER SYSTEM SET primary_conninfo = 'host=primary user=repl password=repl-pw';\n", 'repl-pw'],
    ["ALTER ROLE app SET app.api_key = 'k-123456';\n", 'k-123456'],
  ];
  it.each(cases)('%s', async (text, secret) => {
    const { findings } = await lintWith(rule, text);
    expect(findings).toHaveLength(1);
    const f = findings[0];
    expect(f.message).not.toContain(secret);
    expect(f.help).not.toContain(secret);
    // The redaction covers exactly the secret as written in the file.
    expect(f.redact).toHaveLength(1);
    expect(text.slice(f.redact![0].start, f.redact![0].end)).toBe(secret);
  });
  it('masks a secret in a statement that does not parse (the syntax-error snippet shows that line)', async () => {
    const { lint } = await import('../../src/engine/engine.js');
    const { rules } = await import('../../rules/index.js');
    const [r] = await lint([{ path: 'm.sql', text: "CREATE ROLE x LOGIN PASSWORD 'Typo-secret-1' VALID UNTIL;\n" }], { rules, pgVersion: 15, assumeInTransaction: false });
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['ban-plaintext-secret', 'syntax-error']);
    expect(r.parsed!.lines.lineText(1)).toBe("CREATE ROLE x LOGIN PASSWORD '*************' VALID UNTIL;");
  });

  it('masks the secret in the parsed text and statements handed to reporters', async () => {
    const { lint } = await import('../../src/engine/engine.js');
    const [r] = await lint([{ path: 'm.sql', text: "CREATE ROLE app LOGIN PASSWORD 'hunter2';\nSELECT 1;\n" }], { rules: [rule], pgVersion: 15, assumeInTransaction: false });
    expect(r.parsed!.text).toBe("CREATE ROLE app LOGIN PASSWORD '*******';\nSELECT 1;\n");
    expect(r.parsed!.lines.lineText(1)).not.toContain('hunter2');
    expect(JSON.stringify(r.parsed!.statements.map((s) => [s.text, s.node]))).not.toContain('hunter2');
    expect(JSON.stringify(r.analysed!.map((a) => [a.source.text, a.source.node, a.actions]))).not.toContain('hunter2');
  });
});

describe('redactSql (for tools that print a migration statement: replay, rollback check)', () => {
  it.each([
    ["CREATE ROLE app LOGIN PASSWORD 'hunter2'", "CREATE ROLE app LOGIN PASSWORD '*******'"],
    ["SELECT dblink_connect('host=db dbname=app password=s3cr3t')", "SELECT dblink_connect('host=db dbname=app password=******')"],
    ["CREATE ROLE typo LOGIN PASSWORD 'Typo-1' VALID UNTIL", "CREATE ROLE typo LOGIN PASSWORD '******' VALID UNTIL"],
    ['CREATE TABLE users (id bigint, password text)', 'CREATE TABLE users (id bigint, password text)'],
  ])('%s', async (text, masked) => {
    const { initParser, parseSource } = await import('../../src/source/index.js');
    const { redactSql } = await import('../../src/analysis/secrets.js');
    await initParser();
    expect(redactSql(parseSource(text + ';\n').statements[0])).toBe(masked);
  });
});
