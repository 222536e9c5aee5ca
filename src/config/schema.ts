// The JSON schema of pgsafe.config.json, published as schema/pgsafe.config.schema.json so editors complete it.
// Regenerate after adding a rule: `npm run gen:schema` (a test fails when it is stale).
import type { Rule } from '../engine/rule.js';
import { ruleDocsUrl } from '../engine/rule.js';
import { FRAMEWORKS } from './types.js';

export function configSchema(rules: readonly Rule[]): Record<string, unknown> {
  const severity = { enum: ['off', 'info', 'warning', 'error'] };
  const ruleProps: Record<string, unknown> = {};
  for (const r of [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    ruleProps[r.meta.id] = {
      ...severity,
      description: `${r.meta.docs.summary} (default: ${r.meta.recommended ? r.meta.defaultSeverity : 'off'}).`,
      markdownDescription: `${r.meta.docs.summary}.\n\n[Documentation](${ruleDocsUrl(r.meta.id)})`,
    };
    for (const a of r.meta.aliases ?? []) if (a !== r.meta.id) ruleProps[a] = { ...severity, description: `Alias of ${r.meta.id}.` };
  }
  const pathSettings = {
    rules: { type: 'object', description: 'Severity per rule id (squawk aliases accepted): off, info, warning or error. Rules not named keep their defaults.', properties: ruleProps, additionalProperties: false },
    assumeInTransaction: { type: 'boolean', description: 'Each file runs inside one transaction (as most migration frameworks do). A framework preset decides this per file; the --assume-in-transaction flag wins over both.' },
    framework: { enum: [...FRAMEWORKS], description: 'Migration framework: which files are migrations, their order, whether each runs in a transaction, and its directives (goose Up/Down, dbmate transaction:false, Flyway placeholders).' },
    placeholders: { type: 'object', description: 'Values for Flyway `${name}` placeholders and Go template expressions (`{{ index .Options "Namespace" }}`: key "Namespace", or the whole expression).', additionalProperties: { type: 'string' } },
  };
  const globs = (description: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, description });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://raw.githubusercontent.com/pgsafe/pgsafe/main/schema/pgsafe.config.schema.json',
    title: 'pgsafe configuration (pgsafe.config.json or .pgsaferc.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'The JSON schema of this file, for editor completion.' },
      pgVersion: { type: 'integer', minimum: 9, maximum: 30, description: 'Postgres major version of the target server (default 15). The --pg-version flag wins.' },
      include: globs('Globs (relative to this file) of the migrations to lint; also the default paths of `pgsafe lint` with no arguments. A bare name matches at any depth.'),
      exclude: globs('Globs (relative to this file) of files never to lint, even when named on the command line.'),
      ...pathSettings,
      overrides: {
        type: 'array',
        description: 'Settings for some paths only, applied in order over the settings above.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files'],
          properties: {
            files: globs('Globs (relative to this file) the override applies to.'),
            excludedFiles: globs('Globs the override does not apply to, even when `files` matches.'),
            ...pathSettings,
          },
        },
      },
    },
  };
}

export function configSchemaText(rules: readonly Rule[]): string {
  return JSON.stringify(configSchema(rules), null, 2) + '\n';
}
