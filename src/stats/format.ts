// Short human figures for estimates: 48M rows, 6.1 GB, 40–70 s.

export function rowsText(n: number): string {
  if (n >= 1e9) return `${trim(n / 1e9)}B`;
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  if (n >= 1e3) return `${trim(n / 1e3)}k`;
  return String(Math.round(n));
}

export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : trim(n)} ${units[i]}`;
}

/** Both ends in the unit of the larger one. */
export function rangeText(lowMs: number, highMs: number): string {
  if (highMs < 1000) return `${Math.max(1, Math.round(lowMs))}–${Math.max(1, Math.round(highMs))} ms`;
  if (highMs < 120_000) return `${trim(lowMs / 1000)}–${trim(highMs / 1000)} s`;
  if (highMs < 7_200_000) return `${trim(lowMs / 60_000)}–${trim(highMs / 60_000)} min`;
  return `${trim(lowMs / 3_600_000)}–${trim(highMs / 3_600_000)} h`;
}

export function rateText(perSec: number): string {
  return perSec >= 10 ? rowsText(perSec) : perSec >= 1 ? String(Math.round(perSec)) : perSec > 0 ? '<1' : '0';
}

/** Two significant digits at most: 6.1, 48, 350. */
function trim(x: number): string {
  if (x >= 100) return String(Math.round(x));
  if (x >= 10) return String(Math.round(x));
  return String(Math.round(x * 10) / 10);
}

/** "10s", "500ms", "2m", "1.5s" → milliseconds; undefined when it is not a duration. */
export function parseDuration(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min)?\s*$/i.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000;
}
