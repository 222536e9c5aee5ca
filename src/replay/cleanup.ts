/**
 * Process-wide cleanup for resources that must not outlive pgsafe (throwaway servers, temp dirs, scratch databases).
 * On SIGINT/SIGTERM/SIGHUP every registered cleanup runs (bounded in time) and the process exits 130/143/129.
 */
type Cleanup = { run: () => Promise<void>; runSync?: () => void };

const cleanups = new Set<Cleanup>();
let installed = false;
let exiting = false;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function onSignal(signal: NodeJS.Signals): void {
  if (exiting) return;
  exiting = true;
  const all = [...cleanups];
  cleanups.clear();
  const timer = setTimeout(() => {
    for (const c of all) safeSync(c);
    process.exit(SIGNAL_CODES[signal] ?? 1);
  }, 5_000);
  Promise.allSettled(all.map((c) => c.run())).then(() => {
    clearTimeout(timer);
    process.exit(SIGNAL_CODES[signal] ?? 1);
  });
}

function onExit(): void {
  for (const c of [...cleanups]) safeSync(c);
  cleanups.clear();
}

function safeSync(c: Cleanup): void {
  try {
    c.runSync?.();
  } catch {
    // best effort at exit
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed || cleanups.size > 0) return;
  installed = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
}

/** Registers a cleanup; call the returned function once the resource is released normally. */
export function registerCleanup(run: () => Promise<void>, runSync?: () => void): () => void {
  const c: Cleanup = { run, runSync };
  cleanups.add(c);
  install();
  return () => {
    cleanups.delete(c);
    uninstall();
  };
}

/** A signal arrived and cleanup is under way: what fails now fails because pgsafe is stopping (57P01 and the like). */
export function interrupted(): boolean {
  return exiting;
}

export function pendingCleanups(): number {
  return cleanups.size;
}
