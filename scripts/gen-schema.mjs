// Writes schema/pgsafe.config.schema.json from the rule registry (run after the build).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { rules } = await import(join(root, 'dist/rules/index.js'));
const { configSchemaText } = await import(join(root, 'dist/src/config/schema.js'));
const out = join(root, 'schema/pgsafe.config.schema.json');
writeFileSync(out, configSchemaText(rules));
process.stdout.write(`wrote ${out}\n`);
