// A read-only session for the snapshot: safe to point at production or a replica.
import pg from 'pg';

export class StatsConnectError extends Error {
  override name = 'StatsConnectError';
}

export interface SessionOptions {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** Calibration writes synthetic tables into a scratch database. */
  readWrite?: boolean;
}

/** The URL's password, to mask it wherever a driver message might echo it. */
function urlPassword(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return /:\/\/[^:/@]*:([^@]*)@/.exec(url)?.[1];
  }
}

/** Masks the URL's password (and any `scheme://user:pass@` / `password=`) in a message, on one line. */
export function maskUrl(text: string, url: string): string {
  let out = text.replace(/\s*\n\s*/g, ' ').trim();
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s/]*@/gi, '$1****@').replace(/(password\s*=\s*)\S+/gi, '$1****');
  const pw = urlPassword(url);
  if (pw && pw.length >= 3) out = out.split(pw).join('****');
  return out;
}

export async function openSession(url: string, o: SessionOptions = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: 'pgsafe stats' });
  client.on('error', () => {});
  try {
    await client.connect();
    // Own timeouts, whatever the role's defaults: a snapshot never waits long, never writes.
    await client.query(
      `SET statement_timeout = ${Math.round(o.statementTimeoutMs ?? 5000)}; SET lock_timeout = ${Math.round(o.lockTimeoutMs ?? 500)};` +
        (o.readWrite ? '' : ' SET default_transaction_read_only = on; SET idle_in_transaction_session_timeout = 10000;'),
    );
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw new StatsConnectError(`cannot connect: ${maskUrl((err as Error).message || String(err), url)}`);
  }
}
