import { json } from './json.js';
import { pretty } from './pretty.js';
import type { Reporter } from './types.js';

/** Output formats by name. */
export const reporters: Record<string, Reporter> = { pretty, json };

export { summarize, type Reporter, type ReportInput, type Summary } from './types.js';
