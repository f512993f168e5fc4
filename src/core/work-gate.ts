/**
 * The work gate: what adapters do after acknowledging (run the command, render and deliver its
 * answer) goes through here, at most `concurrency` at once, in arrival order. A burst of 100
 * `/credits` is then acknowledged first and answered after, instead of every acknowledgement
 * queueing behind the answers in front of it on the one event loop (Slack allows 3 s for the ack,
 * the answer may come later: https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
 *
 * A slot is a lease, not a lock: work still running after `leaseMs` gives its slot up and goes on
 * outside the gate. Long work is waiting (OpenRouter slow or down, a poll for a pending request), not
 * using the CPU, so it should not hold the queue back: a burst during an OpenRouter outage is not
 * answered `concurrency` at a time, 8 s each, but at least `concurrency` every `leaseMs`.
 * Measured in bench/service-load.ts (README, Performance).
 * @module
 */

export interface WorkGate {
  /** Runs `work` when a slot is free (at once if one is). Never rejects on its own account. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Work holding a slot now. */
  readonly active: number;
  /** Work waiting for a slot. */
  readonly waiting: number;
}

export interface WorkGateOptions {
  /** Work items holding a slot at once. */
  concurrency?: number;
  /** After this long, running work gives its slot to the next in line. */
  leaseMs?: number;
}

/** 16 at once and a 250 ms lease: the best p99 ack of 4 / 8 / 16 / 32 in bench/service-load.ts. */
export const DEFAULT_WORK_CONCURRENCY = 16;
export const DEFAULT_WORK_LEASE_MS = 250;

export function createWorkGate(opts: WorkGateOptions = {}): WorkGate {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_WORK_CONCURRENCY));
  const leaseMs = Math.max(1, opts.leaseMs ?? DEFAULT_WORK_LEASE_MS);
  let active = 0;
  const queue: (() => void)[] = [];

  /** Hands a freed slot to the next in line, or frees it. */
  function release(): void {
    const next = queue.shift();
    if (next) next();
    else active -= 1;
  }

  function acquire(): Promise<void> | undefined {
    if (active < concurrency) {
      active += 1;
      return undefined;
    }
    return new Promise<void>((resolve) => queue.push(resolve));
  }

  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async run<T>(work: () => Promise<T>): Promise<T> {
      const wait = acquire();
      if (wait) await wait;
      let held = true;
      const lease = setTimeout(() => {
        held = false;
        release();
      }, leaseMs);
      lease.unref?.();
      try {
        return await work();
      } finally {
        clearTimeout(lease);
        if (held) release();
      }
    },
  };
}
