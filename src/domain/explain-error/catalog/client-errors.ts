/**
 * Catalog entries for the 4xx statuses OpenRouter documents (shared/reference/openrouter-api.md §8).
 * @module
 */
import { BACKOFF, type Entry } from './entry.js';

export const CLIENT_ERRORS: Record<number, Entry> = {
  400: {
    title: '400 Bad Request',
    meaning: 'OpenRouter rejected the request as malformed: a parameter is invalid or missing.',
    causes: [
      'An invalid or missing parameter (wrong type, unknown field value, empty `messages`).',
      'The prompt plus `max_tokens` is longer than the model’s context length.',
      'A parameter the chosen model or provider does not support.',
      'A browser call blocked by CORS.',
    ],
    retry: { advice: 'after-fix', text: 'The same request will fail the same way; fix it first.' },
    fixes: [
      'Read the message: it usually names the offending parameter.',
      'Check the model’s `context_length` and `supported_parameters` in GET /api/v1/models.',
    ],
  },
  401: {
    title: '401 Unauthorized: the API key was not accepted',
    meaning:
      'OpenRouter could not authenticate the request: the key is missing, invalid, deleted, disabled or expired.',
    causes: [
      '"User not found." means the key is invalid, deleted or disabled (or belongs to a deleted account).',
      '"No auth credentials found" means no `Authorization: Bearer …` header reached OpenRouter.',
      'The key expired (`expires_at`), or an OAuth session expired.',
    ],
    retry: { advice: 'after-fix', text: 'Retrying with the same credentials will fail; fix the key first.' },
    fixes: [
      'Check that the request sends `Authorization: Bearer sk-or-v1-…` and that the variable holding the key is set (no quotes, spaces or newlines).',
      'Look the key up at https://openrouter.ai/settings/keys; create a new one if it was deleted or disabled.',
    ],
  },
  402: {
    title: '402 Payment Required: not enough credits',
    meaning:
      'OpenRouter refused the request because there is not enough credit to cover it: the account balance or this API key’s own spending limit ran out. Insufficient credits is always 402, never 403.',
    causes: [
      'The account balance (total credits − total usage) is at or below zero. A negative balance blocks even free models.',
      'The API key’s own spending limit (`limit_remaining` on GET /api/v1/key) is used up for its period.',
      'The pre-flight check: OpenRouter checks the worst case (`max_tokens`, or the model’s default maximum output when `max_tokens` is not set) against what is left, so a request can be refused even if its real cost would fit.',
    ],
    retry: {
      advice: 'after-fix',
      text: 'The same request fails again until credits are added, the key limit is raised or resets, or `max_tokens` is lowered.',
    },
    fixes: [],
  },
  403: {
    title: '403 Forbidden: a permissions problem, not credits',
    meaning:
      'The key is valid but not allowed to do this. 403 is never about credits: OpenRouter’s docs settle that insufficient credits is 402.',
    causes: [
      'A management-key-only endpoint (/credits, /keys, /activity, analytics) was called with an inference key: "Only management keys can perform this operation".',
      'A guardrail blocked the request (model, provider or budget restrictions set for the key or workspace).',
      'The input was flagged by moderation.',
      'A region restriction (`availability.code = region_restricted`).',
    ],
    retry: { advice: 'after-fix', text: 'Retrying unchanged fails again; change the key, the settings or the input.' },
    fixes: [],
  },
  404: {
    title: '404 Not Found',
    meaning:
      'The thing asked for does not exist (or not yet): usually a model id, or a generation id looked up too early.',
    causes: [
      'A mistyped, retired or unknown model id, or no endpoint currently serving it ("No endpoints found …").',
      'A generation lookup (GET /api/v1/generation?id=…) made right after the request finished: OpenRouter publishes it with a lag of a few seconds.',
      'A generation id from another OpenRouter account (ids are visible only to the account that made them).',
    ],
    retry: {
      advice: 'after-fix',
      text: 'For a model id: fix it first. For a fresh generation id: retry after a few seconds.',
    },
    fixes: [
      'Check the model id against GET /api/v1/models (ids look like `openai/gpt-4.1`).',
      'For generation lookups, poll with backoff for up to a minute before treating the id as unknown.',
    ],
  },
  408: {
    title: '408 Request Timeout',
    meaning: 'The request timed out before OpenRouter finished it.',
    causes: ['A slow provider or a very long generation.', 'A large request body sent slowly.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: ['Use streaming for long generations.', 'Lower `max_tokens` or split the work into smaller requests.'],
  },
  413: {
    title: '413 Payload Too Large',
    meaning: 'The request body is larger than OpenRouter or the provider accepts.',
    causes: ['A very long conversation history, large files, or many/large images in the prompt.'],
    retry: { advice: 'after-fix', text: 'The same payload fails again; shrink it first.' },
    fixes: [
      'Shrink the prompt: trim or summarise old messages, send fewer or smaller images and files.',
      'Pick a model with a larger context if the content really is needed.',
    ],
  },
  422: {
    title: '422 Unprocessable: invalid argument',
    meaning:
      'The request is well-formed JSON, but a value is not acceptable (e.g. an unsupported combination of parameters).',
    causes: ['A parameter value out of range or not allowed for this model or endpoint.'],
    retry: { advice: 'after-fix', text: 'Fix the argument named in the message, then retry.' },
    fixes: ['Read the message for the offending argument and check the endpoint’s documented parameters.'],
  },
  429: {
    title: '429 Too Many Requests: rate limited',
    meaning: 'A rate limit was hit: OpenRouter’s own limit on free models, or the upstream provider’s limit.',
    causes: [
      'The daily cap on `:free` model requests: 50 per day if less than $10 of credits was ever bought, 1000 per day from $10.',
      'The per-minute cap on `:free` models: 20 requests per minute.',
      'The upstream provider rate-limited the request (paid models have no platform cap; OpenRouter tries other providers first).',
    ],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [],
  },
};
