/**
 * What `/credits explain` reads out of a paste ({@link ParsedError}), what it knows of the account
 * ({@link LiveAccount}) and what it answers ({@link Explanation}).
 * @module
 */
export interface ParsedError {
  /** HTTP status, or the `error.code` of the body; for mid-stream errors the code inside the HTTP 200 stream. */
  status?: number;
  /** True when `status` was not given but inferred from a known message (e.g. "User not found." → 401). */
  statusInferred?: boolean;
  /** The error message, secrets masked, at most 500 characters. */
  message?: string;
  /** `error.metadata`, sanitised (secrets masked, strings shortened, depth and size bounded). */
  metadata?: Record<string, unknown>;
  limitSource?: string;
  remedyHint?: string;
  previousErrors?: { code?: number; message?: string }[];
  providerName?: string;
  errorType?: string;
  rateLimit?: { limit?: number; remaining?: number; resetAt?: Date /* X-RateLimit-Reset, epoch ms */ };
  retryAfterSeconds?: number;
  /** An error inside an HTTP 200 response: an SSE chunk or a completion with `finish_reason: "error"`. */
  midStream: boolean;
  /** "You requested up to N tokens" / "N token capacity required" / "Prompt tokens limit exceeded: N > M". */
  requestedTokens?: number;
  /** "can only afford M" / "M available" / the M of "N > M". */
  affordableTokens?: number;
  generationId?: string;
  /** Which known texts matched; see {@link ERROR_SIGNALS}. */
  signals: string[];
}

/** Live account state, as the `explain` command read it. `null` = unknown, `undefined` = not read. */
export interface LiveAccount {
  /** total_credits − total_usage (`/credits`). */
  balance?: number | null;
  totalCredits?: number | null;
  /** The bot's own key (`/key`): `limit`, `null` = unlimited. */
  keyLimit?: number | null;
  keyLimitRemaining?: number | null;
  keyLimitReset?: string | null;
  isFreeTier?: boolean | null;
  /** The bot's own inference key was rejected with 401 when the live state was read. */
  keyRejected?: boolean;
  /**
   * The key the error names (its hash in the metadata, or a pasted key): its name when the account's
   * key list has it (then the key* fields above are that key's), `found: false` when it does not.
   */
  failingKey?: { name: string; found: true } | { found: false };
  fetchedAt?: Date;
}

export type RetryAdvice = 'no' | 'yes' | 'after-fix' | 'backoff' | 'at';
export type Verdict = 'account-credits' | 'key-limit' | 'both' | 'neither' | 'unknown';

export interface Explanation {
  status: number | null;
  title: string;
  meaning: string;
  causes: string[];
  retry: { advice: RetryAdvice; text: string; at?: Date };
  fixes: string[];
  /** What the live account says; empty unless `live` was given. */
  live: string[];
  /** For 402s: which limit ran out. */
  verdict?: Verdict;
}

/** Statuses with a dedicated catalog entry. Others get a generic 4xx/5xx explanation. */
export const KNOWN_STATUSES: readonly number[] = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529];

/** Every signal `parseErrorInput` can report. */
export const ERROR_SIGNALS = [
  'can-only-afford', // 402 pre-flight against max_tokens ("can only afford N", "N token capacity required, M available")
  'prompt-tokens-limit', // "Prompt tokens limit exceeded: N > M" (key limit)
  'insufficient-credits', // "Insufficient credits", "More credits are required"
  'key-limit', // settings/keys … higher monthly limit, or a key-ish limit_source
  'account-credits', // settings/credits, openrouter.ai/credits, limit_source openrouter_credits
  'user-not-found', // 401 invalid / deleted / disabled key
  'no-auth', // 401 missing Authorization header
  'free-models-per-day', // 429 daily cap on :free models
  'free-models-per-minute', // 429 20/min on :free models
  'rate-limit', // any rate-limit wording or error_type rate_limit_exceeded
  'management-only', // 403 "Only management keys can perform this operation"
  'foreign-generation', // 403 on /generation: "You don't have access to this generation (belongs to another user)"
  'moderation', // 403 input flagged
  'guardrail', // 403 guardrail block
  'region', // 403 region restriction
  'model-not-found', // unknown model id
  'no-endpoints', // "No endpoints found …"
  'generation-not-found', // generation lookup 404
  'context-length', // prompt longer than the model's context
  'payload-too-large', // 413
  'timeout', // "timed out"
  'overloaded', // provider overloaded (529)
  'provider-error', // "Provider returned error"
  'finish-reason-error', // a choice with finish_reason "error"
] as const;
