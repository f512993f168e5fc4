/**
 * Errors inside an HTTP 200 response (shared/reference/openrouter-api.md §9: mid-stream errors,
 * zero completion insurance).
 * @module
 */
import { BACKOFF, FALLBACKS } from '../catalog/entry.js';
import type { Explanation, ParsedError } from '../types.js';

export function explainMidStream(p: ParsedError, out: Explanation): void {
  const code = out.status === null ? '' : ` (code ${out.status} in the body)`;
  out.title = out.status === null ? 'Mid-stream error' : `Mid-stream error${code}: ${out.title}`;
  out.meaning =
    `The HTTP status was 200, but the generation failed after it started: the error arrived in the body or as an SSE event, and the choice ended with finish_reason "error". ${out.status === null ? '' : out.meaning}`.trim();
  out.causes.unshift(
    'Zero completion insurance: a response that ends with finish_reason "error" is not charged for prompt, completion or reasoning tokens (auxiliary fees such as web search may still be billed).',
  );
  if (out.status === null) {
    out.causes.push('The provider failed during generation (overload, timeout or an internal error).');
    out.retry = { advice: 'backoff', text: BACKOFF };
    out.fixes.push(FALLBACKS);
  }
  out.fixes.push(
    'Stream handlers must check each chunk for an `error` field and finish_reason "error", not only the HTTP status.',
  );
  if (p.generationId) out.fixes.push(`Look up ${p.generationId} with /credits request to see what was billed.`);
}
