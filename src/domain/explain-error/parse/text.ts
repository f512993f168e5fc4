/**
 * Small, bounded text helpers shared by the error parsers: control characters, secret masking,
 * numbers and statuses read from loosely typed values.
 * @module
 */
import { maskSecrets } from '../../../secrets.js';

export const MAX_INPUT = 64_000; // characters scanned at all
export const MAX_CANDIDATES = 16; // `{` positions tried as JSON starts
const MAX_MESSAGE = 500;
export const MAX_WALK = 200; // objects visited looking for the error envelope

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Replaces control characters (except tab, newline, carriage return) with spaces. */
export function stripControl(s: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) {
      parts.push(s.slice(from, i), ' ');
      from = i + 1;
    }
  }
  if (from === 0) return s;
  parts.push(s.slice(from));
  return parts.join('');
}

/** Masks secrets, collapses whitespace and cuts to `max` characters. */
export function safeText(s: string, max = MAX_MESSAGE): string {
  const masked = maskSecrets(s.slice(0, max * 4))
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

export function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d{1,16}(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
  return undefined;
}

export function toStatus(v: unknown): number | undefined {
  const n = toInt(v);
  return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}
