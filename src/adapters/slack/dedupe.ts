/**
 * "Have we handled this already?" for Slack deliveries: Slack retries events it thinks were not
 * acknowledged, and a mention arrives both as `message` and `app_mention`. A bounded in-memory set
 * answers for this process; the store (when given) answers across replicas.
 * @module
 */

export interface Dedupe {
  /** True the first time `key` is seen (here, and in the store when there is one). */
  firstTime(key: string): Promise<boolean>;
}

/**
 * A copy of `key` that holds on to nothing else. A trigger id parsed out of a request body is a V8
 * "sliced string": it keeps the whole body (~300 bytes) alive. The heap of a service after 4,000
 * commands held 4,000 such bodies through this set (1.3 MB); the copy is the key alone.
 */
function detached(key: string): string {
  return ` ${key}`.slice(1);
}

/** A set that forgets its oldest keys past `max`. */
export function createBoundedSet(max: number): { has(key: string): boolean; add(key: string): void } {
  const keys = new Set<string>();
  return {
    has: (key) => keys.has(key),
    add(key) {
      keys.delete(key);
      keys.add(detached(key));
      while (keys.size > max) {
        const oldest = keys.values().next();
        if (oldest.done) break;
        keys.delete(oldest.value);
      }
    },
  };
}

export function createDedupe(opts: {
  /** Cross-replica claim from the store: true when this caller is the first. */
  markProcessed?: (key: string) => Promise<boolean>;
  max?: number;
  onStoreError?: (error: unknown) => void;
}): Dedupe {
  const local = createBoundedSet(opts.max ?? 10_000);
  return {
    async firstTime(key) {
      if (local.has(key)) return false;
      local.add(key);
      if (!opts.markProcessed) return true;
      try {
        return await opts.markProcessed(key);
      } catch (error) {
        // The store is down: the local set still stops Slack's retries to this process.
        opts.onStoreError?.(error);
        return true;
      }
    },
  };
}
