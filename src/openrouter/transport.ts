/**
 * The OpenRouter client's transport: undici GETs with per-endpoint keys, retries with full-jitter
 * backoff bounded by the caller's budget, one circuit breaker per endpoint (429 is back-pressure and
 * never opens one), single-flight GETs and a short TTL cache. The endpoints are in `client.ts`.
 * @module
 */
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import { MissingKeyError, OpenRouterError } from '../errors.js';
import { maskSecrets } from '../secrets.js';
import { parseErrorBody } from './error-body.js';
import {
  backoffDelay,
  CircuitBreaker,
  type CircuitBreakerOptions,
  DEFAULT_RETRY,
  parseRetryAfter,
  type RetryPolicy,
} from './resilience.js';
import { MalformedBodyError, parseJsonBody, unwrapData } from './schemas.js';
import type { CallOptions } from './types.js';

export type KeyRole = 'inference' | 'management' | 'none';

export interface GetSpec<T> {
  endpoint: string;
  path: string;
  query?: Record<string, string | undefined>;
  role: KeyRole;
  parse: (data: unknown) => T;
  ttlMs?: number;
  /** 404 → null instead of an error (`/generation`). */
  notFoundNull?: boolean;
  /** `PATCH` sends `body` as JSON, never cached or shared (`send`); default `GET`. */
  method?: 'GET' | 'PATCH';
  body?: unknown;
}

interface Attempt {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Below this much budget left, an attempt is not started. */
const MIN_ATTEMPT_MS = 50;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Worth retrying: back-pressure (429, with its `Retry-After`) and server-side failures. */
function isUnavailableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export interface OpenRouterClientConfig {
  /** e.g. `https://openrouter.ai/api/v1` or a simulator's `url`. */
  baseUrl: string;
  /** Inference key (`OPENROUTER_API_KEY`): `/key`, `/generation`. */
  apiKey?: string;
  /** Management key (`OPENROUTER_MANAGEMENT_KEY`): `/credits`, `/activity`, `/keys`. */
  managementKey?: string;
  /** undici dispatcher (an `Agent`, a `MockAgent`, …); the global one when absent. */
  dispatcher?: Dispatcher;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  /** Whole call, retries included, when the caller gives no `budgetMs`. Default 15 s. */
  defaultBudgetMs?: number;
  /**
   * Epoch ms by which every call ends, whatever budget its caller asked for: a one-shot command that
   * must answer in time (`credits-bot ask`: within 5 s, with stored figures when OpenRouter hangs).
   */
  notAfter?: number | (() => number);
  /** Cache lifetimes; 0 disables. Defaults: credits 15 s, key 15 s, models 1 h. */
  cacheTtlMs?: { credits?: number; key?: number; models?: number };
  now?: () => number;
  /** One call per attempt, for metrics: endpoint like `/credits`, HTTP status or `error`. */
  onCall?: (endpoint: string, status: number | 'error', ms: number) => void;
  logger?: Logger;
  /**
   * Legacy: with no management key, read `/credits` with the inference key and accept the answer
   * unless it is a 403 or all zeros. Off by default (reference §2.3: never trust it).
   */
  inferenceCreditsFallback?: boolean;
  /** Backoff policy. Defaults: 250 ms base, 4 s max, 4 attempts. */
  retry?: Partial<RetryPolicy>;
  circuitBreaker?: CircuitBreakerOptions;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /** Waits between retries; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export function createTransport(config: OpenRouterClientConfig) {
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const now = config.now ?? Date.now;
  const timeoutMs = config.timeoutMs ?? 10_000;
  const defaultBudgetMs = config.defaultBudgetMs ?? 15_000;
  const ttl = {
    credits: config.cacheTtlMs?.credits ?? 15_000,
    key: config.cacheTtlMs?.key ?? 15_000,
    models: config.cacheTtlMs?.models ?? 3_600_000,
  };
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...config.retry };
  const random = config.random ?? Math.random;
  const sleep = config.sleep ?? defaultSleep;
  // One breaker per endpoint (issue 12): a storm on `/generation` must not stop `/credits`.
  const breakers = new Map<string, CircuitBreaker>();
  const breakerFor = (endpoint: string): CircuitBreaker => {
    let b = breakers.get(endpoint);
    if (!b) {
      b = new CircuitBreaker(config.circuitBreaker ?? {}, now);
      breakers.set(endpoint, b);
    }
    return b;
  };
  const secrets = [config.apiKey, config.managementKey].filter((k): k is string => typeof k === 'string');
  const mask = (text: string) => maskSecrets(text, secrets);
  const log = config.logger;

  const cache = new Map<string, { value: unknown; expires: number }>();
  const inflight = new Map<string, Promise<unknown>>();

  function keyFor(role: KeyRole): string | undefined {
    if (role === 'inference') return config.apiKey;
    if (role === 'management') return config.managementKey;
    return undefined;
  }

  function urlOf(spec: GetSpec<unknown>): string {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(name, value);
    }
    const qs = params.toString();
    return `${baseUrl}${spec.path}${qs ? `?${qs}` : ''}`;
  }

  function failure(endpoint: string, params: Omit<ConstructorParameters<typeof OpenRouterError>[0], 'endpoint'>) {
    return new OpenRouterError({ ...params, endpoint, message: mask(params.message) });
  }

  async function once(
    spec: GetSpec<unknown>,
    url: string,
    limitMs: number,
    cutByBudget: boolean,
    deadline: number,
  ): Promise<Attempt> {
    const key = keyFor(spec.role);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'credits-bot' };
    if (key) headers.authorization = `Bearer ${key}`;
    const method = spec.method ?? 'GET';
    if (method !== 'GET') headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limitMs);
    const started = now();
    try {
      const res = await request(url, {
        method,
        headers,
        ...(method !== 'GET' ? { body: JSON.stringify(spec.body ?? {}) } : {}),
        signal: controller.signal,
        ...(config.dispatcher ? { dispatcher: config.dispatcher } : {}),
      });
      const text = await res.body.text();
      const ms = now() - started;
      config.onCall?.(spec.endpoint, res.statusCode, ms);
      log?.debug({ endpoint: spec.endpoint, status: res.statusCode, ms }, 'openrouter call');
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      const ms = now() - started;
      config.onCall?.(spec.endpoint, 'error', ms);
      if (controller.signal.aborted) {
        const kind = cutByBudget ? 'budget' : 'timeout';
        // `deadline`: the epoch ms the call had to end by (its budget, or the caller's `notAfter`).
        log?.debug({ endpoint: spec.endpoint, kind, ms, deadline }, 'openrouter call cut');
        throw failure(spec.endpoint, {
          status: 0,
          kind,
          message: cutByBudget ? `no answer within the time budget (${limitMs} ms)` : `timed out after ${limitMs} ms`,
          cause: error,
        });
      }
      const reason = error instanceof Error ? error.message : String(error);
      log?.debug({ endpoint: spec.endpoint, ms, reason: mask(reason) }, 'openrouter network error');
      throw failure(spec.endpoint, { status: 0, kind: 'network', message: `network error: ${reason}`, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  function httpError(spec: GetSpec<unknown>, attempt: Attempt): OpenRouterError {
    const retryAfterMs = parseRetryAfter(attempt.headers['retry-after'], now());
    let parsed: ReturnType<typeof parseErrorBody> = null;
    try {
      parsed = parseErrorBody(parseJsonBody(attempt.text));
    } catch {
      parsed = null;
    }
    const snippet = attempt.text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 120);
    return failure(spec.endpoint, {
      status: attempt.status,
      message: parsed?.message ?? (snippet || `HTTP ${attempt.status}`),
      ...(parsed?.code !== undefined ? { code: parsed.code } : {}),
      ...(parsed?.metadata
        ? { metadata: JSON.parse(mask(JSON.stringify(parsed.metadata))) as Record<string, unknown> }
        : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  function decode<T>(spec: GetSpec<T>, attempt: Attempt): T {
    try {
      return spec.parse(unwrapData(parseJsonBody(attempt.text)));
    } catch (error) {
      if (!(error instanceof MalformedBodyError)) throw error;
      throw failure(spec.endpoint, {
        status: 0,
        kind: 'malformed',
        message: `malformed response (HTTP ${attempt.status}): ${error.message}`,
        cause: error,
      });
    }
  }

  /** One logical GET: retries, backoff, breaker; bounded by `deadline`. */
  async function execute<T>(spec: GetSpec<T>, deadline: number): Promise<T | null> {
    const url = urlOf(spec);
    const breaker = breakerFor(spec.endpoint);
    let last: OpenRouterError | undefined;
    for (let attemptNo = 0; ; attemptNo++) {
      if (!breaker.allow()) {
        throw failure(spec.endpoint, {
          status: 0,
          kind: 'circuit-open',
          message: `OpenRouter looks unavailable; not calling it for another ${Math.ceil(breaker.retryInMs() / 1000)} s`,
          ...(last ? { cause: last } : {}),
        });
      }
      const remaining = deadline - now();
      if (remaining < MIN_ATTEMPT_MS) {
        breaker.release();
        throw (
          last ??
          failure(spec.endpoint, { status: 0, kind: 'budget', message: 'no time left in the budget for a call' })
        );
      }
      const limit = Math.min(timeoutMs, remaining);
      let error: OpenRouterError;
      try {
        const attempt = await once(spec, url, limit, remaining < timeoutMs, deadline);
        if (attempt.status >= 200 && attempt.status < 300) {
          breaker.success();
          return decode(spec, attempt);
        }
        if (attempt.status === 404 && spec.notFoundNull) {
          breaker.success();
          return null;
        }
        error = httpError(spec, attempt);
        // A 429 is back-pressure with a `Retry-After`, not a fault (reference §8.4): it neither
        // counts towards opening the circuit nor closes it; a half-open probe that gets one re-opens.
        if (attempt.status >= 500) breaker.failure();
        else if (attempt.status === 429) breaker.release();
        else breaker.success();
      } catch (caught) {
        if (!(caught instanceof OpenRouterError)) {
          breaker.release();
          throw caught;
        }
        if (caught.kind === 'malformed') throw caught;
        breaker.failure();
        error = caught;
      }
      last = error;
      const retryable = error.status === 0 || isUnavailableStatus(error.status);
      if (!retryable || attemptNo + 1 >= policy.maxAttempts) throw error;
      const delay = Math.max(backoffDelay(attemptNo, policy, random), error.retryAfterMs ?? 0);
      if (now() + delay + MIN_ATTEMPT_MS > deadline) throw error;
      log?.warn(
        { endpoint: spec.endpoint, status: error.status, kind: error.kind, attempt: attemptNo + 1, delayMs: delay },
        'openrouter call failed; retrying',
      );
      await sleep(delay);
    }
  }

  function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  /**
   * Cache → in-flight → upstream. Identical concurrent GETs (same URL, same key) share one call; the
   * first caller's budget bounds it, and each caller's own `signal` only detaches that caller.
   */
  function get<T>(spec: GetSpec<T>, opts: CallOptions & { deadline?: number } = {}): Promise<T | null> {
    const id = `${spec.role} ${urlOf(spec)}`;
    const ttlMs = spec.ttlMs ?? 0;
    if (ttlMs > 0 && !opts.fresh) {
      const hit = cache.get(id);
      if (hit && hit.expires > now()) return Promise.resolve(hit.value as T);
    }
    let shared = inflight.get(id) as Promise<T | null> | undefined;
    if (!shared) {
      const asked = opts.deadline ?? now() + (opts.budgetMs ?? defaultBudgetMs);
      const limit = typeof config.notAfter === 'function' ? config.notAfter() : config.notAfter;
      const deadline = Math.min(asked, limit ?? asked);
      shared = execute(spec, deadline)
        .then((value) => {
          if (ttlMs > 0) cache.set(id, { value, expires: now() + ttlMs });
          return value;
        })
        .finally(() => inflight.delete(id));
      inflight.set(id, shared);
    }
    return raceSignal(shared, opts.signal);
  }

  async function getRequired<T>(spec: GetSpec<T>, opts?: CallOptions & { deadline?: number }): Promise<T> {
    const value = await get(spec, opts);
    if (value === null) throw new Error(`unexpected empty answer from ${spec.endpoint}`);
    return value;
  }

  /** A write (`PATCH`): retried like a GET (the bodies the bot sends set values, so a repeat is harmless), never cached or shared. */
  async function send<T>(spec: GetSpec<T>, opts: CallOptions = {}): Promise<T> {
    const value = await raceSignal(execute(spec, now() + (opts.budgetMs ?? defaultBudgetMs)), opts.signal);
    if (value === null) throw new Error(`unexpected empty answer from ${spec.endpoint}`);
    return value;
  }

  function requireKey(role: 'inference' | 'management', what: string): void {
    if (role === 'management' && !config.managementKey) throw new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', what);
    if (role === 'inference' && !config.apiKey) throw new MissingKeyError('OPENROUTER_API_KEY', what);
  }

  return {
    now,
    defaultBudgetMs,
    ttl,
    get,
    getRequired,
    send,
    requireKey,
    urlOf,
    /** The worst state over the endpoints: `open`, `half-open` or `closed`. */
    get circuitState(): string {
      const states = [...breakers.values()].map((b) => b.status);
      return states.includes('open') ? 'open' : states.includes('half-open') ? 'half-open' : 'closed';
    },
    /** The circuit of one endpoint (`/credits`, `/generation`, …). */
    circuitStateOf(endpoint: string): string {
      return breakers.get(endpoint)?.status ?? 'closed';
    },
    clearCache() {
      cache.clear();
    },
  };
}
