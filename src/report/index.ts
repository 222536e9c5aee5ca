import { gcc } from './gcc.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { pretty } from './pretty.js';
import { sarif } from './sarif.js';
import type { Reporter } from './types.js';

/** Output formats by name. */
export const reporters: Record<string, Reporter> = { pretty, json, sarif, github, gcc, markdown, junit, gitlab };

export { summarize, type Reporter, type ReportInput, type Summary } from './types.js';
