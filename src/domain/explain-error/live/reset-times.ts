/**
 * When daily, weekly and monthly limits reset next (midnight UTC; weeks run Monday–Sunday).
 * @module
 */
export function nextUtcMidnight(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/** When a key limit with this reset period resets next (midnight UTC; weeks run Monday–Sunday). */
export function nextKeyReset(reset: string | null | undefined, from: Date): Date | undefined {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth();
  const d = from.getUTCDate();
  if (reset === 'daily') return nextUtcMidnight(from);
  if (reset === 'weekly') {
    const days = (8 - from.getUTCDay()) % 7 || 7;
    return new Date(Date.UTC(y, m, d + days));
  }
  if (reset === 'monthly') return new Date(Date.UTC(y, m + 1, 1));
  return undefined;
}
