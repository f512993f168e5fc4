/**
 * Retry timing and the circuit breaker of the OpenRouter client.
 * @module
 */

/** `Retry-After` as delta-seconds or an HTTP date → milliseconds from `now` (never negative). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const text = v.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface RetryPolicy {
  /** First backoff ceiling. Default 250 ms. */
  baseDelayMs: number;
  /** Largest backoff ceiling. Default 4 s. */
  maxDelayMs: number;
  /** Attempts per call, the first included. Default 4. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 250, maxDelayMs: 4_000, maxAttempts: 4 };

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^retry)). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

export interface CircuitBreakerOptions {
  /** Consecutive unavailable failures that open the circuit. Default 5. */
  threshold?: number;
  /** First cool-down. Default 30 s; doubles after every failed probe. */
  cooldownMs?: number;
  /** Cap of the cool-down. Default 5 min. */
  maxCooldownMs?: number;
}

type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * One per endpoint of a client (`transport.ts`), shared by every caller of it; 429s do not count
 * (back-pressure, reference §8.4). Closed → (threshold failures) → open → (cool-down) → one
 * probe (half-open; everybody else still fails fast) → closed on success, open with a doubled
 * cool-down on failure.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private cooldown: number;
  private readonly threshold: number;
  private readonly baseCooldown: number;
  private readonly maxCooldown: number;

  constructor(
    opts: CircuitBreakerOptions,
    private readonly now: () => number,
  ) {
    this.threshold = opts.threshold ?? 5;
    this.baseCooldown = opts.cooldownMs ?? 30_000;
    this.maxCooldown = opts.maxCooldownMs ?? 300_000;
    this.cooldown = this.baseCooldown;
  }

  /** Whether an attempt may go out now; a `true` in the open state makes it the probe. */
  allow(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'half-open') return false;
    if (this.now() - this.openedAt < this.cooldown) return false;
    this.state = 'half-open';
    return true;
  }

  /** Milliseconds until the next probe may go out (0 when closed). */
  retryInMs(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.cooldown - (this.now() - this.openedAt));
  }

  get status(): BreakerState {
    return this.state;
  }

  success(): void {
    this.state = 'closed';
    this.failures = 0;
    this.cooldown = this.baseCooldown;
  }

  failure(): void {
    if (this.state === 'half-open') {
      this.cooldown = Math.min(this.maxCooldown, this.cooldown * 2);
      this.open();
      return;
    }
    this.failures += 1;
    if (this.state === 'closed' && this.failures >= this.threshold) this.open();
  }

  /** An attempt that ended without saying anything about upstream health (e.g. the caller aborted). */
  release(): void {
    if (this.state === 'half-open') {
      this.state = 'open';
    }
  }

  private open(): void {
    this.state = 'open';
    this.openedAt = this.now();
  }
}
