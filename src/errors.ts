/**
 * Errors a caller acts on. Everything else is a plain Error and is reported generically.
 * @module
 */

/** A message meant for the user, shown as is (already free of secrets). */
export class UserError extends Error {
  override readonly name = 'UserError';
  /** The right form of the input, shown under the message. */
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

/** A command needs a key that is not configured; names the environment variable. */
export class MissingKeyError extends UserError {
  readonly variable: 'OPENROUTER_API_KEY' | 'OPENROUTER_MANAGEMENT_KEY';
  constructor(variable: 'OPENROUTER_API_KEY' | 'OPENROUTER_MANAGEMENT_KEY', what: string) {
    const kind = variable === 'OPENROUTER_API_KEY' ? 'an inference key' : 'a management key';
    super(`${what} needs ${kind}: set ${variable} in the environment (or .env) and restart the bot.`);
    this.variable = variable;
  }
}

/** A failed OpenRouter call: HTTP status plus OpenRouter's `error.code`, `message` and `metadata`. */
export class OpenRouterError extends Error {
  override readonly name = 'OpenRouterError';
  readonly endpoint: string;
  /** HTTP status; 0 for network errors, timeouts and budget exhaustion. */
  readonly status: number;
  readonly code: number | undefined;
  readonly metadata: Record<string, unknown> | undefined;
  /** From `Retry-After` when the server sent one. */
  readonly retryAfterMs: number | undefined;
  /** `timeout`, `network`, `budget`, `malformed`, `circuit-open` for status 0 errors. */
  readonly kind: 'http' | 'timeout' | 'network' | 'budget' | 'malformed' | 'circuit-open';
  constructor(params: {
    endpoint: string;
    status: number;
    message: string;
    kind?: OpenRouterError['kind'];
    code?: number;
    metadata?: Record<string, unknown>;
    retryAfterMs?: number;
    cause?: unknown;
  }) {
    super(`OpenRouter ${params.endpoint}: ${params.status ? `${params.status} ` : ''}${params.message}`, {
      cause: params.cause,
    });
    this.endpoint = params.endpoint;
    this.status = params.status;
    this.kind = params.kind ?? 'http';
    this.code = params.code;
    this.metadata = params.metadata;
    this.retryAfterMs = params.retryAfterMs;
  }

  /** True when OpenRouter (or the way to it) is down or slow rather than refusing us. */
  get isUnavailable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The store (Postgres) cannot be reached right now. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(cause?: unknown) {
    super('The store (Postgres) is unavailable right now.', { cause });
  }
}
