/**
 * The catalog behind `/credits explain`: turns whatever a user pastes (a status code, an OpenRouter
 * error body, a Python-repr dict from a log, an SSE chunk, plain error text) into a {@link ParsedError},
 * and a parsed error plus the live account state into an {@link Explanation}.
 *
 * Ground truth: shared/reference/openrouter-api.md §1.3 (envelope), §3.3 (402 = balance or key limit),
 * §8 (status codes, 402 bodies, rate limits, headers), §9 (mid-stream errors, zero completion
 * insurance), §11 (real user problems). Insufficient credits is **402**; 403 is never about credits.
 *
 * Layout: `parse/` reads each error shape, `catalog/` holds the entries by status family, `explain/`
 * refines an entry per status, `live/` judges what the live account state implies.
 * Pure: no I/O, no clock reads (dates are derived only from the input and `live.fetchedAt`).
 * @module
 */
export { explainError } from './explain/explain-error.js';
export { parseErrorInput } from './parse/parse-error-input.js';
export {
  ERROR_SIGNALS,
  type Explanation,
  KNOWN_STATUSES,
  type LiveAccount,
  type ParsedError,
  type RetryAdvice,
  type Verdict,
} from './types.js';
