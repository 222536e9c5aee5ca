// Where `lint --stats` and the language server get their snapshot: the flag, else the config's `stats`.
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { LoadedConfig } from '../config/types.js';
import { DEFAULT_THRESHOLD_MS, type AnnotateOptions } from './annotate.js';
import { parseDuration } from './format.js';
import { readSnapshot, SnapshotError } from './snapshot.js';

export function statsOptions(flag: { stats?: string; statsThreshold?: string }, config: LoadedConfig | undefined, cwd = process.cwd()): AnnotateOptions | undefined {
  const file = flag.stats ? resolve(cwd, flag.stats) : config?.config.stats ? resolve(config.dir, config.config.stats.file) : undefined;
  if (!file) return undefined;
  const threshold = flag.statsThreshold ?? config?.config.stats?.threshold;
  const thresholdMs = threshold === undefined ? DEFAULT_THRESHOLD_MS : parseDuration(threshold);
  if (thresholdMs === undefined) throw new SnapshotError(`--stats-threshold: expected a duration such as 1s or 500ms, got "${threshold}"`);
  return { snapshot: readSnapshot(file), thresholdMs };
}

const cache = new Map<string, { stamp: string; options: AnnotateOptions | undefined }>();

/** For the language server: the config's snapshot, re-read when the file changes; undefined when there is none or it is unreadable. */
export function cachedStatsOptions(config: LoadedConfig | undefined): AnnotateOptions | undefined {
  const s = config?.config.stats;
  if (!config || !s) return undefined;
  const file = resolve(config.dir, s.file);
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs}:${st.size}:${s.threshold ?? ''}`;
  } catch {
    return undefined;
  }
  const hit = cache.get(file);
  if (hit?.stamp === stamp) return hit.options;
  let options: AnnotateOptions | undefined;
  try {
    options = statsOptions({}, config);
  } catch {
    options = undefined;
  }
  cache.set(file, { stamp, options });
  return options;
}
