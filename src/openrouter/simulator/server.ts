/**
 * An offline OpenRouter billing API on node:http (reference §13 checklist), for `npm run demo` and
 * the tests: `/credits`, `/key` (+ legacy `/auth/key`), `/generation`, `/activity`, `/keys`,
 * `/keys/{hash}` (GET, PATCH), `/workspaces`, `/models`, `/model/{author}/{slug}`, with injectable
 * faults, a settable clock and a `spend` control. Management routes live in ./admin.ts.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { currentKeyBody, findListedKey, keyItem, listKeys, listWorkspaces, patchKey, SimHttpFailure } from './admin.js';
import {
  activityRows,
  addDays,
  emptyState,
  type InferenceCreditsMode,
  type SimActivity,
  type SimKey,
  type SimState,
  spendKey,
  utcDate,
} from './state.js';

export interface SimFault {
  /** e.g. `/credits`, `/keys`, `/generation`; all endpoints when absent. */
  endpoint?: string;
  /** Answer with this status and OpenRouter's error envelope (or `body`). */
  status?: number;
  /** `Retry-After` seconds. */
  retryAfter?: number;
  /** Delay before answering (the normal answer, or the fault's). */
  latencyMs?: number;
  /** Never answer (the socket stays open until the client gives up or the simulator closes). */
  hang?: boolean;
  /** 200 with a body that is not JSON. */
  malformed?: boolean;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many requests this fault applies to. Default 1; `Infinity` until `clearFaults()`. */
  times?: number;
}

export interface SimulatorOptions {
  seed?: SimState;
  /** The simulator clock; real time by default. `setNow` pins it. */
  now?: () => Date;
  host?: string;
  port?: number;
  /** What `/credits` answers to an inference key (reference §2.3). Default `403`. */
  inferenceCreditsMode?: InferenceCreditsMode;
  /**
   * How `/activity` writes `date`: OpenRouter sends `"YYYY-MM-DD"` and, as third-party clients saw,
   * sometimes `"YYYY-MM-DD 00:00:00"` (reference §12 "`/activity` date values"). `mixed` (default):
   * the datetime form on odd days of the month, deterministic.
   */
  activityDates?: 'date' | 'datetime' | 'mixed';
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT/api/v1`. */
  url: string;
  state: SimState;
  /** Requests received per endpoint (`/credits`, `/key`, `/auth/key`, `/generation`, `/activity`, `/keys`, `/keys/:hash`, `/models`, `/model`). */
  calls: Record<string, number>;
  /** Every `PATCH /keys/{hash}` that reached a key, in order: its hash and JSON body (tests count them). */
  patches: { hash: string; body: unknown }[];
  inferenceCreditsMode: InferenceCreditsMode;
  /** Makes the key spend `usd` now: its usage counters and the account's total usage grow (see `spendKey`). */
  spend(keyHash: string, usd: number, opts?: { model?: string; permaslug?: string }): SimActivity;
  resetCalls(): void;
  inject(fault: SimFault): void;
  clearFaults(): void;
  setNow(d: Date): void;
  now(): Date;
  close(): Promise<void>;
}

const PREFIX = '/api/v1';
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const HASH_PATH = /^\/keys\/([^/]+)$/;
const MODEL_PATH = /^\/model\/([^/]+\/[^/]+)$/;

const STANDARD_MESSAGES: Record<number, string> = {
  400: 'Invalid request parameters',
  401: 'No auth credentials found',
  402: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
  403: 'Only management keys can perform this operation',
  404: 'Resource not found',
  408: 'Operation timed out. Please try again later.',
  429: 'Rate limit exceeded',
  500: 'Internal Server Error',
  502: 'Provider returned error',
  503: 'Service temporarily unavailable',
  524: 'Request timed out. Please try again later.',
  529: 'Provider returned error',
};

const HttpFailure = SimHttpFailure;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function endpointOf(path: string): string {
  if (HASH_PATH.test(path)) return '/keys/:hash';
  if (MODEL_PATH.test(path)) return '/model';
  return path;
}

/**
 * Starts the simulator on 127.0.0.1 (port 0 = a free port).
 * @example
 * const sim = await startSimulator({ seed: createDemoSeed(new Date()) });
 * const client = createOpenRouterClient({ baseUrl: sim.url, apiKey: DEMO_INFERENCE_KEY });
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = options.seed ?? emptyState();
  let clock: () => Date = options.now ?? (() => new Date());
  const faults: (SimFault & { left: number })[] = [];
  const calls: Record<string, number> = {};
  const sockets = new Set<Socket>();

  const sim: Simulator = {
    url: '',
    state,
    calls,
    patches: [],
    inferenceCreditsMode: options.inferenceCreditsMode ?? '403',
    spend: (keyHash, usd, opts) => spendKey(state, keyHash, usd, clock(), opts ?? {}),
    resetCalls() {
      for (const k of Object.keys(calls)) delete calls[k];
    },
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    setNow(d) {
      const pinned = new Date(d.getTime());
      clock = () => pinned;
    },
    now: () => clock(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  function sendError(res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}) {
    send(res, status, { error: { code: status, message: message ?? STANDARD_MESSAGES[status] ?? 'Error' } }, headers);
  }

  function rateLimitHeaders(): Record<string, string> {
    const reset = Math.ceil((clock().getTime() + 1) / 60_000) * 60_000;
    return { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) };
  }

  function authenticate(req: IncomingMessage): SimKey {
    const header = req.headers.authorization;
    if (!header) throw new HttpFailure(401, 'No auth credentials found');
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    const key = m ? state.keys.find((k) => k.secret === m[1]?.trim()) : undefined;
    if (!key || key.disabled) throw new HttpFailure(401, 'User not found.');
    if (key.expiresAt && Date.parse(key.expiresAt) <= clock().getTime()) throw new HttpFailure(401, 'User not found.');
    return key;
  }

  function requireManagement(key: SimKey): void {
    if (!key.management) throw new HttpFailure(403, 'Only management keys can perform this operation');
  }

  /** `/models` lists text-output models unless `output_modalities=all` (or names other modalities) [SPEC, reference §6, §12]. */
  function listedModels(query: URLSearchParams): Record<string, unknown>[] {
    const wanted = (query.get('output_modalities') ?? 'text').split(',').map((m) => m.trim().toLowerCase());
    if (wanted.includes('all')) return state.models;
    return state.models.filter((m) => {
      const out = (m.architecture as { output_modalities?: unknown } | undefined)?.output_modalities;
      const list = Array.isArray(out) ? out.map(String) : ['text'];
      return list.some((o) => wanted.includes(o));
    });
  }

  function activityDate(date: string): string {
    const style = options.activityDates ?? 'mixed';
    const odd = Number(date.slice(8, 10)) % 2 === 1;
    return style === 'datetime' || (style === 'mixed' && odd) ? `${date} 00:00:00` : date;
  }

  function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown): void {
    if (path === '/models') {
      const offset = query.get('offset');
      const limit = query.get('limit');
      const listed = listedModels(query);
      let data = listed;
      let next: string | null = null;
      if (offset !== null || limit !== null) {
        const from = Math.max(0, Number(offset ?? 0) || 0);
        const size = Math.min(1000, Math.max(1, Number(limit ?? 500) || 500));
        data = listed.slice(from, from + size);
        if (from + size < listed.length) next = `${PREFIX}/models?offset=${from + size}&limit=${size}`;
      }
      send(res, 200, { data, total_count: listed.length, links: { next } });
      return;
    }
    const modelMatch = MODEL_PATH.exec(path);
    if (modelMatch) {
      const slug = decodeURIComponent(modelMatch[1] ?? '');
      const model = state.models.find((m) => m.id === slug || m.canonical_slug === slug);
      if (!model) throw new HttpFailure(404, 'Model not found');
      send(res, 200, { data: model });
      return;
    }

    const key = authenticate(req);
    const now = clock();

    if (path === '/credits') {
      const real = { total_credits: round(state.account.totalCredits), total_usage: round(state.account.totalUsage) };
      if (key.management || sim.inferenceCreditsMode === 'real') send(res, 200, { data: real });
      else if (sim.inferenceCreditsMode === 'zeros') send(res, 200, { data: { total_credits: 0, total_usage: 0 } });
      else throw new HttpFailure(403, 'Only management keys can perform this operation');
      return;
    }
    if (path === '/key' || path === '/auth/key') {
      send(res, 200, { data: currentKeyBody(state, key, clock()) });
      return;
    }
    if (path === '/generation') {
      const id = query.get('id');
      if (!id) throw new HttpFailure(400, 'Missing required parameter: id');
      const gen = state.generations.find((g) => g.data.id === id);
      if (!gen || gen.visibleAt > now.getTime()) throw new HttpFailure(404, 'Generation not found');
      if (gen.foreign) throw new HttpFailure(403, "You don't have access to this generation");
      send(res, 200, { data: gen.data });
      return;
    }
    if (path === '/activity') {
      requireManagement(key);
      const date = query.get('date') ?? undefined;
      if (date !== undefined) {
        const today = utcDate(now);
        const valid =
          DATE_RE.test(date) &&
          !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
          utcDate(new Date(`${date}T00:00:00Z`)) === date;
        if (!valid) throw new HttpFailure(400, 'Invalid date format. Use YYYY-MM-DD');
        if (date >= today || date < addDays(today, -30))
          throw new HttpFailure(400, 'Date must be within the last 30 completed UTC days');
      }
      const keyHash = query.get('api_key_hash') ?? undefined;
      // `/activity` covers every workspace unless `workspace_id` narrows it; `group_by=workspace`
      // splits the rows and adds `workspace_id` (reference §5 parameters, §12).
      const workspaceId = query.get('workspace_id') ?? undefined;
      if (workspaceId !== undefined && !state.workspaces.some((w) => w.id === workspaceId))
        throw new HttpFailure(400, 'Invalid workspace_id');
      const groupByWorkspace = query.get('group_by') === 'workspace';
      const rows = activityRows(state, now, {
        ...(date ? { date } : {}),
        ...(keyHash ? { keyHash } : {}),
        ...(workspaceId ? { workspaceId } : {}),
        groupByWorkspace,
      });
      send(res, 200, { data: rows.map((r) => ({ ...r, date: activityDate(r.date) })) });
      return;
    }
    if (path === '/workspaces') {
      requireManagement(key);
      send(res, 200, listWorkspaces(state, query));
      return;
    }
    if (path === '/keys') {
      requireManagement(key);
      send(res, 200, { data: listKeys(state, query, now) });
      return;
    }
    const hashMatch = HASH_PATH.exec(path);
    if (hashMatch) {
      requireManagement(key);
      const found = findListedKey(state, decodeURIComponent(hashMatch[1] ?? ''));
      if (req.method === 'PATCH') {
        sim.patches.push({ hash: found.hash, body });
        send(res, 200, { data: patchKey(state, found, body, now) });
      } else send(res, 200, { data: keyItem(state, found, now) });
      return;
    }
    throw new HttpFailure(404, 'Not Found');
  }

  function takeFault(endpoint: string): SimFault | undefined {
    const index = faults.findIndex((f) => f.left > 0 && (f.endpoint === undefined || f.endpoint === endpoint));
    if (index < 0) return undefined;
    const fault = faults[index];
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (!url.pathname.startsWith(PREFIX)) {
      sendError(res, 404, 'Not Found');
      return;
    }
    const path = url.pathname.slice(PREFIX.length).replace(/\/+$/, '') || '/';
    const endpoint = endpointOf(path);
    calls[endpoint] = (calls[endpoint] ?? 0) + 1;
    const fault = takeFault(endpoint);
    if (fault?.hang) return;
    const answer = () => {
      if (res.destroyed) return;
      if (fault?.malformed) {
        res.writeHead(200, { 'content-type': 'text/html', ...fault.headers });
        res.end('<html><body>502 Bad Gateway (upstream said nothing useful)</body></html>');
        return;
      }
      if (fault && (fault.status !== undefined || fault.body !== undefined)) {
        const status = fault.status ?? 200;
        const headers: Record<string, string> = { ...(status === 429 ? rateLimitHeaders() : {}), ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        if (fault.body !== undefined) send(res, status, fault.body, headers);
        else sendError(res, status, undefined, headers);
        return;
      }
      const patchable = req.method === 'PATCH' && endpoint === '/keys/:hash';
      if (req.method !== 'GET' && !patchable) {
        sendError(res, 405, 'Method not allowed');
        return;
      }
      readBody(req)
        .then((text) => {
          if (res.destroyed) return;
          let body: unknown;
          if (patchable) {
            try {
              body = JSON.parse(text);
            } catch {
              throw new HttpFailure(400, 'Invalid JSON body');
            }
          }
          route(req, res, path, url.searchParams, body);
        })
        .catch((error: unknown) => {
          if (error instanceof HttpFailure) sendError(res, error.status, error.message);
          else sendError(res, 500, 'Internal Server Error');
        });
    };
    if (fault?.latencyMs) setTimeout(answer, fault.latencyMs);
    else answer();
  }

  const server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  sim.url = `http://${host}:${address.port}${PREFIX}`;
  return sim;
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
