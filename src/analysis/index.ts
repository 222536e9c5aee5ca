export { Analyzer, type FileOptions } from './analyzer.js';
export * from './locks.js';
export * from './names.js';
export * from './schema.js';
export * from './types.js';
export { parseDuration } from './duration.js';
