const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A timeout setting's value in milliseconds (`'5s'`, `'1min'`, `5000`); null when unreadable. */
export function parseDuration(raw: unknown): number | null {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/i.exec(raw);
  if (!m) return null;
  return Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()];
}
