/**
 * One catalog entry (title, meaning, causes, retry advice, fixes) and the advice several share.
 * @module
 */
import type { RetryAdvice } from '../types.js';

export interface Entry {
  title: string;
  meaning: string;
  causes: string[];
  retry: { advice: RetryAdvice; text: string };
  fixes: string[];
}

export const BACKOFF = 'Retry with exponential backoff (e.g. 1 s, 2 s, 4 s … with jitter, a few attempts).';
export const FALLBACKS =
  'Add fallback models (the `models` array) or relax provider routing, so OpenRouter can route around a failing provider.';

export function clone(e: Entry): Entry {
  return { ...e, causes: [...e.causes], fixes: [...e.fixes], retry: { ...e.retry } };
}
