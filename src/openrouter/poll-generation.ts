/**
 * Polls `/generation` while OpenRouter has not published a request yet (404 for a few seconds after
 * completion, reference §4.3).
 * @module
 */
import type { CallOptions, Generation, OpenRouterClient } from './types.js';

/** Waits after each 404; the sum is about a minute. */
const DEFAULT_POLL_DELAYS_MS: readonly number[] = [500, 1000, 2000, 4000, 8000, 15000, 30000];

export interface PollOptions {
  delaysMs?: readonly number[];
  /** Injectable for tests; must reject (or resolve early) when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Passed to every lookup. */
  call?: Omit<CallOptions, 'signal'>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The generation once it is visible, or `null` when it still is not after the last delay.
 * Errors other than "not found yet" are thrown at once.
 * @example
 * const g = await pollGeneration(client, 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ', { signal });
 */
export async function pollGeneration(
  client: Pick<OpenRouterClient, 'getGeneration'>,
  id: string,
  opts: PollOptions = {},
): Promise<Generation | null> {
  const delays = opts.delaysMs ?? DEFAULT_POLL_DELAYS_MS;
  const sleep = opts.sleep ?? abortableSleep;
  const lookup = () => client.getGeneration(id, { ...opts.call, ...(opts.signal ? { signal: opts.signal } : {}) });
  const first = await lookup();
  if (first) return first;
  for (const delay of delays) {
    opts.signal?.throwIfAborted();
    await sleep(delay, opts.signal);
    const g = await lookup();
    if (g) return g;
  }
  return null;
}
