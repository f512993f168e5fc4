/**
 * The known error texts ({@link ERROR_SIGNALS}) and the statuses they imply when the paste gives
 * none (shared/reference/openrouter-api.md §8, §11).
 * @module
 */
import type { ERROR_SIGNALS } from '../types.js';

interface SignalRule {
  signal: (typeof ERROR_SIGNALS)[number];
  re: RegExp;
}

export const SIGNAL_RULES: readonly SignalRule[] = [
  { signal: 'can-only-afford', re: /can only afford\s{0,5}\d|token capacity required/i },
  { signal: 'prompt-tokens-limit', re: /prompt tokens limit exceeded/i },
  {
    signal: 'insufficient-credits',
    re: /insufficient (?:credits|balance|funds)|more credits are required|requires more credits|out of credits|negative (?:credit )?balance/i,
  },
  {
    signal: 'key-limit',
    re: /settings\\?\/keys|higher (?:monthly |weekly |daily )?limit|key (?:spend(?:ing)? )?limit (?:exceeded|reached)|limit_source["']?\s*[:=]\s*["']?[a-z_]*key/i,
  },
  { signal: 'account-credits', re: /settings\\?\/credits|openrouter\.ai\\?\/credits|openrouter_credits/i },
  { signal: 'user-not-found', re: /user not found/i },
  {
    signal: 'no-auth',
    re: /no (?:cookie )?auth credentials found|missing authenticat(?:ion|e) header|no api key provided/i,
  },
  { signal: 'free-models-per-day', re: /free-models-per-day|openrouter_free_tier_daily|free model requests per day/i },
  { signal: 'free-models-per-minute', re: /free-models-per-min/i },
  { signal: 'rate-limit', re: /rate[ -_]?limit|too many requests/i },
  {
    signal: 'management-only',
    re: /only (?:management|provisioning) keys?|management key required|provisioning key required/i,
  },
  {
    // shared/reference/openrouter-api.md §4: "403 You don't have access to this generation (belongs to another user)"
    signal: 'foreign-generation',
    re: /belongs to another user|(?:don'?t|do not) have access to this generation/i,
  },
  { signal: 'moderation', re: /\bflagged\b|moderation/i },
  { signal: 'guardrail', re: /guardrail/i },
  { signal: 'region', re: /region[ _-]?restricted|not available in your region|unsupported region/i },
  {
    signal: 'model-not-found',
    re: /is not a valid model id|model (?:not found|does not exist)|unknown model|no such model/i,
  },
  {
    signal: 'no-endpoints',
    re: /no endpoints found|no (?:available )?(?:model )?providers?(?: available)? (?:that|meet|match|found)/i,
  },
  { signal: 'generation-not-found', re: /generation\b.{0,120}?not found/i },
  {
    signal: 'context-length',
    re: /context length|context_length_exceeded|context window|maximum context|too many (?:input )?tokens/i,
  },
  { signal: 'payload-too-large', re: /payload too large|entity too large|body too large/i },
  { signal: 'timeout', re: /timed out|timeout/i },
  { signal: 'overloaded', re: /overloaded/i },
  { signal: 'provider-error', re: /provider returned error/i },
];

/** Statuses implied by known texts when the input gives none (first match wins). */
export const SIGNAL_STATUS: readonly [string, number][] = [
  ['management-only', 403],
  ['foreign-generation', 403],
  ['user-not-found', 401],
  ['no-auth', 401],
  ['can-only-afford', 402],
  ['prompt-tokens-limit', 402],
  ['insufficient-credits', 402],
  ['free-models-per-day', 429],
  ['free-models-per-minute', 429],
  ['rate-limit', 429],
  ['payload-too-large', 413],
  ['generation-not-found', 404],
  ['model-not-found', 404],
  ['overloaded', 529],
];
