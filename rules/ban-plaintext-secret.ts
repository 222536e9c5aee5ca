import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';
import { defineRule } from '../src/engine/rule.js';
import { parseSource } from '../src/source/index.js';
import { lexicalSecrets, locateSecret, SECRET_HINT } from '../src/analysis/secrets.js';

/** The string literal around a secret, quotes included: the span to underline. */
function literalAround(text: string, span: Span, limit: Span): Span {
  let s = span.start;
  while (s > limit.start && text[s - 1] !== "'" && text[s - 1] !== '$') s--;
  let e = span.end;
  while (e < limit.end && text[e] !== "'" && text[e] !== '$') e++;
  return { start: Math.max(limit.start, s - 1), end: Math.min(limit.end, e + 1) };
}

export default defineRule({
  meta: {
    id: 'ban-plaintext-secret',
    category: 'hygiene',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      role: 'The password of role "{{owner}}" is written in the migration: anyone who can read the repository can log in as it',
      unparsed: 'A literal password is written in this statement, which pgsafe could not parse: anyone who can read the repository has it',
      roleHash: 'The password hash of role "{{owner}}" is written in the migration: an md5 hash logs in as it is, and a SCRAM verifier can be brute-forced offline',
      mapping: 'The password of user mapping "{{owner}}" is written in the migration: anyone who can read the repository has the remote credentials',
      conninfo: 'A connection string with a literal password is written in the migration: anyone who can read the repository has the credentials',
      setting: 'Setting `{{owner}}` gets a literal secret written in the migration: anyone who can read the repository has it',
    },
    docs: {
      summary: 'Disallow passwords and keys written as literals in a migration',
      what: "Flags literal credentials: `CREATE`/`ALTER ROLE` or `USER … PASSWORD '…'` (also `ENCRYPTED PASSWORD` and pre-hashed md5/SCRAM values), `CREATE`/`ALTER USER MAPPING … OPTIONS (password '…')`, connection strings with `password=` or `user:password@` passed to dblink, `CREATE SUBSCRIPTION … CONNECTION` or FDW options, and `SET`/`ALTER SYSTEM`/`ALTER ROLE … SET`/`ALTER DATABASE … SET` of a setting whose name or value carries a password, secret, token or key. `PASSWORD NULL`, empty values and deploy-time placeholders (`'${…}'`, `'{{ … }}'`, psql `:'var'`) are fine. Findings never show the secret: pgsafe masks it in the message, the source snippet and every output format.",
      why: 'A migration is committed to version control, copied into every clone, CI log and container image, and kept in history forever: a password written in it is public to everyone who can read the repository, and removing it later does not remove it from history. Postgres stores what `CREATE ROLE … PASSWORD` sends, so the migration file is the credential.',
      example: {
        bad: "CREATE ROLE app LOGIN PASSWORD 'hunter2';",
        good: "-- the framework substitutes the value at deploy time:\nCREATE ROLE app LOGIN PASSWORD '${app_password}';",
      },
      whenNotToUse: 'For throwaway local fixtures whose credentials are public by design (a docker-compose test database); ignore the statement with `-- pgsafe-ignore ban-plaintext-secret: local test role`.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createrole.html',
        'https://www.postgresql.org/docs/current/sql-createusermapping.html',
        'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING',
        'https://www.postgresql.org/docs/current/auth-password.html',
      ],
    },
  },
  create(ctx) {
    return {
      '*'(stmt: AnalysedStatement) {
        for (const s of ctx.syntax.secrets(stmt)) {
          const secret = locateSecret(stmt.source, s);
          const whole = secret.start === stmt.source.start && secret.end === stmt.source.end;
          const span = whole ? secret : literalAround(ctx.text, secret, { start: stmt.source.start, end: stmt.source.end });
          const target = s.kind === 'role' || s.kind === 'roleHash' ? `ALTER ROLE ${quoteIdent(s.owner)} PASSWORD '\${${s.owner.replace(/\W/g, '_').toLowerCase()}_password}';` : s.kind === 'setting' ? `-- set ${s.owner} per environment, outside version control` : "-- read the connection string from the environment at deploy time, e.g. '${connection_string}'";
          ctx.report(stmt, {
            messageId: s.kind,
            data: { owner: s.owner },
            span,
            redact: [secret],
            help: `Remove the secret from the migration and rotate it, since it stays in the repository history; supply it at deploy time through a framework placeholder or set it by hand per environment:\n${target}`,
          });
        }
      },
      onFileEnd() {
        // Statements that do not parse reach no visitor, but other findings (syntax-error) still show their lines.
        if (!SECRET_HINT.test(ctx.text)) return;
        for (const s of parseSource(ctx.text).statements) {
          if (s.kind !== 'SyntaxError') continue;
          for (const r of lexicalSecrets(s.text)) {
            const secret = { start: s.start + r.start, end: s.start + r.end };
            ctx.report({ source: s, kind: s.kind } as AnalysedStatement, {
              messageId: 'unparsed',
              span: literalAround(ctx.text, secret, { start: s.start, end: s.end }),
              redact: [secret],
              help: 'Remove the secret from the migration and rotate it, since it stays in the repository history; supply it at deploy time through a framework placeholder or set it by hand per environment.',
            });
          }
        }
      },
    };
  },
});
