/**
 * Times as replies write them: one UTC-minute form everywhere (`2026-12-01 08:05 UTC`).
 * @module
 */

/** `2026-12-01 08:05 UTC` — the minute, in UTC, named as such. */
export function formatUtcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
