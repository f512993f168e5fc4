/**
 * Rate-limit and Retry-After headers, from `metadata.headers` or pasted as header lines
 * (shared/reference/openrouter-api.md §8.5).
 * @module
 */
import { isObj, toInt } from './text.js';

export function header(headers: unknown, name: string): unknown {
  if (!isObj(headers)) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers).slice(0, 100)) if (k.toLowerCase() === want) return v;
  return undefined;
}

export function textHeader(text: string, name: string): string | undefined {
  const re = new RegExp(`["']?${name}["']?\\s*[:=]\\s*["']?(\\d{1,16})`, 'i');
  return re.exec(text)?.[1];
}

/** X-RateLimit-Reset is epoch milliseconds (§8.5); a 10-digit value is read as seconds, defensively. */
export function resetDate(v: unknown): Date | undefined {
  const n = toInt(v);
  if (n === undefined || n <= 0) return undefined;
  const ms = n >= 1e11 ? n : n >= 1e9 ? n * 1000 : undefined;
  if (ms === undefined || ms > 8.64e15) return undefined;
  return new Date(ms);
}
