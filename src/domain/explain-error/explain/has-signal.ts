/**
 * Whether a parsed error matched any of the given known texts.
 * @module
 */
import type { ParsedError } from '../types.js';

export function has(p: ParsedError, ...signals: string[]): boolean {
  return signals.some((s) => p.signals.includes(s));
}
