/**
 * Paces outgoing Slack writes: per channel, one at a time, with at least `intervalMs` between new
 * messages (Slack allows about one `chat.postMessage` per second per channel). A 429 is retried
 * after its `Retry-After`, and a 5xx after a short backoff, a few times, while the channel's queue waits.
 * @module
 */

/** The shape of `WebAPIRateLimitedError` from `@slack/web-api` (thrown with `rejectRateLimitedCalls`). */
interface RateLimited {
  code: 'slack_webapi_rate_limited_error';
  retryAfter: number;
}

function isRateLimited(error: unknown): error is RateLimited {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'slack_webapi_rate_limited_error' &&
    typeof (error as { retryAfter?: unknown }).retryAfter === 'number'
  );
}

/** An HTTP 5xx from the Web API (`WebAPIHTTPError`): Slack is having trouble; worth a few retries. */
function isServerError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; statusCode?: unknown };
  return e.code === 'slack_webapi_http_error' && typeof e.statusCode === 'number' && e.statusCode >= 500;
}

export interface OutboxOptions {
  /** Waits before retrying a 5xx answer (default 500 ms, 2 s, 5 s). */
  serverErrorBackoffMs?: readonly number[];
  /** Minimum gap between two new messages in one channel (default 1000 ms). */
  intervalMs?: number;
  /** How many times one call is retried after a 429 (default 3). */
  maxRateLimitRetries?: number;
  /** Longest `Retry-After` honoured before giving up (default 60 s). */
  maxRetryAfterMs?: number;
  onRateLimited?: (channel: string, retryAfterMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface Outbox {
  /**
   * Runs `call` in `channel`'s queue. `kind: 'new'` (a new message) waits for the pacing gap;
   * `kind: 'edit'` (an update) only keeps the order.
   */
  send<T>(channel: string, kind: 'new' | 'edit', call: () => Promise<T>): Promise<T>;
  /** Resolves when every queued call has finished. */
  idle(): Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createOutbox(opts: OutboxOptions = {}): Outbox {
  const intervalMs = opts.intervalMs ?? 1000;
  const maxRetries = opts.maxRateLimitRetries ?? 3;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const tails = new Map<string, Promise<unknown>>();
  const lastNew = new Map<string, number>();

  const serverBackoff = opts.serverErrorBackoffMs ?? [500, 2_000, 5_000];

  async function attempt<T>(channel: string, call: () => Promise<T>): Promise<T> {
    let serverRetries = 0;
    for (let retry = 0; ; retry += 1) {
      try {
        return await call();
      } catch (error) {
        if (isServerError(error) && serverRetries < serverBackoff.length) {
          await sleep(serverBackoff[serverRetries] ?? 1_000);
          serverRetries += 1;
          continue;
        }
        if (!isRateLimited(error) || retry >= maxRetries) throw error;
        const waitMs = Math.max(1000, error.retryAfter * 1000);
        if (waitMs > maxRetryAfterMs) throw error;
        opts.onRateLimited?.(channel, waitMs);
        await sleep(waitMs);
      }
    }
  }

  return {
    send(channel, kind, call) {
      const previous = tails.get(channel) ?? Promise.resolve();
      const run = previous.then(async () => {
        if (kind === 'new') {
          const wait = (lastNew.get(channel) ?? Number.NEGATIVE_INFINITY) + intervalMs - now();
          if (wait > 0) await sleep(wait);
        }
        try {
          return await attempt(channel, call);
        } finally {
          if (kind === 'new') lastNew.set(channel, now());
        }
      });
      const settled = run.then(
        () => undefined,
        () => undefined,
      );
      tails.set(channel, settled);
      void settled.then(() => {
        if (tails.get(channel) === settled) tails.delete(channel);
        if (lastNew.size > 5000) {
          const t = now();
          for (const [c, at] of lastNew) if (t - at > intervalMs) lastNew.delete(c);
        }
      });
      return run;
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
  };
}
