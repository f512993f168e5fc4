/**
 * HTTP statuses written as text (`402`, `HTTP/1.1 503`, `429 Too Many Requests`, `Error code: 402`).
 * @module
 */
import { toStatus } from './text.js';

const REASON_PHRASES =
  'bad request|unauthorized|payment required|forbidden|not found|request timeout|timeout|conflict|payload too large|request entity too large|unprocessable(?: entity| content)?|too many requests|internal server error|bad gateway|service unavailable|gateway timeout|a timeout occurred|site is overloaded|overloaded';

/** A status written as text: `402`, `http 429`, `HTTP/1.1 503`, `status: 502`, `Error code: 402`, `429 Too Many Requests`. */
export function statusFromText(text: string): number | undefined {
  const patterns: RegExp[] = [
    /^\s*(?:https?\s*)?(?:status\s*)?[:#]?\s*([45]\d\d)\b/i,
    /\bHTTP\/\d(?:\.\d)?\s+(\d{3})\b/i,
    /\b(?:http\s*status|status\s*code|status|error\s*code|http\s*error|http)\s*[:=]?\s*["']?(\d{3})\b/i,
    new RegExp(`\\b(\\d{3})\\s*[:-]?\\s*(?:${REASON_PHRASES})\\b`, 'i'),
    /["']?code["']?\s*[:=]\s*["']?([45]\d\d)\b/i,
  ];
  for (const re of patterns) {
    const n = toStatus(re.exec(text)?.[1]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** True when the text is nothing but a status (and maybe its reason phrase). */
export function isOnlyStatus(text: string): boolean {
  const re = new RegExp(
    `^\\s*(?:(?:https?\\s*(?:\\/\\d(?:\\.\\d)?)?|status(?:\\s*code)?|error\\s*code)\\s*[:=]?\\s*)?\\d{3}\\s*[:-]?\\s*(?:${REASON_PHRASES})?\\s*$`,
    'i',
  );
  return re.test(text);
}
