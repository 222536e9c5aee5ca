import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface RuntimeEndpoint {
  /** `unix:///var/run/docker.sock` or `tcp://host:port`, in the form testcontainers reads from DOCKER_HOST. */
  dockerHost: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

export interface ProbeResult {
  endpoint: RuntimeEndpoint;
  ok: boolean;
  ms: number;
  /** `answered <status>`, `timeout`, or the connection error code. */
  detail: string;
}

export function parseDockerHost(value: string): RuntimeEndpoint | undefined {
  if (value.startsWith('unix://')) return { dockerHost: value, socketPath: value.slice('unix://'.length) };
  if (value.startsWith('/')) return { dockerHost: `unix://${value}`, socketPath: value };
  const m = /^(?:tcp|http):\/\/([^:/]+)(?::(\d+))?/.exec(value);
  if (m) return { dockerHost: `tcp://${m[1]}:${m[2] ?? '2375'}`, host: m[1], port: Number(m[2] ?? 2375) };
  return undefined;
}

/** Where a container runtime may listen, in order: DOCKER_HOST, the Docker socket, rootless Docker, Podman, Docker Desktop. */
export function defaultRuntimeEndpoints(env: NodeJS.ProcessEnv = process.env): RuntimeEndpoint[] {
  const out: RuntimeEndpoint[] = [];
  const add = (e: RuntimeEndpoint | undefined) => e && !out.some((o) => o.dockerHost === e.dockerHost) && out.push(e);
  if (env.DOCKER_HOST) add(parseDockerHost(env.DOCKER_HOST));
  add(parseDockerHost('/var/run/docker.sock'));
  if (env.XDG_RUNTIME_DIR) {
    add(parseDockerHost(path.join(env.XDG_RUNTIME_DIR, 'docker.sock')));
    add(parseDockerHost(path.join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')));
  }
  add(parseDockerHost('/run/podman/podman.sock'));
  add(parseDockerHost(path.join(os.homedir(), '.docker', 'run', 'docker.sock')));
  return out;
}

/** `GET /_ping` with a hard deadline: a socket that accepts and never answers must not stall pgsafe. */
export function pingRuntime(endpoint: RuntimeEndpoint, timeoutMs = 300): Promise<ProbeResult> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, detail: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ endpoint, ok, detail, ms: performance.now() - t0 });
    };
    const req = http.request(
      { socketPath: endpoint.socketPath, host: endpoint.host, port: endpoint.port, path: '/_ping', method: 'GET', agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d.slice(0, 64)));
        res.on('end', () => finish(res.statusCode === 200 && /^OK/i.test(body.trim()), `answered ${res.statusCode}`));
        res.on('error', () => finish(false, 'response error'));
      },
    );
    const timer = setTimeout(() => finish(false, 'timeout'), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish(false, err.code ?? err.message));
    req.end();
  });
}

/** Probes all endpoints at once; returns the first (in priority order) that answers, plus every result. */
export async function detectContainerRuntime(
  endpoints = defaultRuntimeEndpoints(),
  timeoutMs = 300,
): Promise<{ found?: RuntimeEndpoint; results: ProbeResult[] }> {
  const results = await Promise.all(endpoints.map((e) => pingRuntime(e, timeoutMs)));
  return { found: results.find((r) => r.ok)?.endpoint, results };
}
