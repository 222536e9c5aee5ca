import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

// A minimal LSP client: JSON-RPC 2.0 with Content-Length framing over a child's stdio.

export interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

interface Waiter {
  method: string;
  accept: (params: any) => boolean;
  resolve: (params: any) => void;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly spawnedAt = performance.now();
  stderr = '';
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  private inbox: Message[] = [];
  private waiters: Waiter[] = [];

  constructor(command: string, args: string[], cwd: string) {
    this.proc = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: *(\d+)/i.exec(header);
      if (!m) throw new Error(`bad header from server: ${header}`);
      const length = Number(m[1]);
      const bodyStart = headerEnd + 4;
      if (this.buffer.length < bodyStart + length) return;
      const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
      this.buffer = this.buffer.subarray(bodyStart + length);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(msg: Message): void {
    if (msg.method === undefined && typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
      else p?.resolve(msg.result);
      return;
    }
    if (msg.method !== undefined && msg.id !== undefined) {
      // A request from the server (registerCapability, configuration…): acknowledge it.
      this.send({ jsonrpc: '2.0', id: msg.id, result: null });
      return;
    }
    const w = this.waiters.find((x) => x.method === msg.method && x.accept(msg.params));
    if (w) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(msg.params);
    } else {
      this.inbox.push(msg);
    }
  }

  private send(msg: Message): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** The next notification `method` whose params pass `accept` (already received ones first). */
  waitFor<T = any>(method: string, accept: (params: T) => boolean = () => true, timeoutMs = 20_000): Promise<T> {
    const i = this.inbox.findIndex((m) => m.method === method && accept(m.params));
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0].params);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { method, accept, resolve: (p) => { clearTimeout(timer); resolve(p); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${method} within ${timeoutMs}ms; stderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Notifications received and not yet consumed by `waitFor`. */
  unread(method: string): any[] {
    return this.inbox.filter((m) => m.method === method).map((m) => m.params);
  }
}

export interface Pos {
  line: number;
  character: number;
}

/** UTF-16 offset of an LSP position (lines split on \n). */
export function offsetOf(text: string, p: Pos): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) off = text.indexOf('\n', off) + 1;
  return off + p.character;
}

export function applyEdits(text: string, edits: { range: { start: Pos; end: Pos }; newText: string }[]): string {
  const spans = edits.map((e) => ({ s: offsetOf(text, e.range.start), e: offsetOf(text, e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  for (const x of spans) text = text.slice(0, x.s) + x.t + text.slice(x.e);
  return text;
}
