/**
 * Catalog entries for the 5xx statuses OpenRouter documents (shared/reference/openrouter-api.md §8).
 * @module
 */
import { BACKOFF, type Entry, FALLBACKS } from './entry.js';

export const SERVER_ERRORS: Record<number, Entry> = {
  500: {
    title: '500 Internal Server Error',
    meaning: 'Something failed inside OpenRouter or the provider; 500s hide the details.',
    causes: ['A transient server error.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS, 'If it persists, check https://status.openrouter.ai and report the generation id to support.'],
  },
  502: {
    title: '502 Bad Gateway: the model is down or answered badly',
    meaning: 'The chosen model is down, or OpenRouter received an invalid response from its provider.',
    causes: ['The provider is failing or returned a malformed response ("Provider returned error").'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS],
  },
  503: {
    title: '503 Service Unavailable: no provider available',
    meaning: 'There is no available provider that meets the request’s routing requirements.',
    causes: [
      'All providers of the model are down or saturated.',
      'Provider routing is too strict (`provider.only`/`order` with fallbacks off, data-collection or ZDR requirements, `max_price`).',
    ],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS, 'Relax the `provider` preferences if you set any.'],
  },
  524: {
    title: '524 Edge timeout',
    meaning: 'The request took too long and timed out at OpenRouter’s edge (Cloudflare) before a response started.',
    causes: ['A slow provider or a long non-streaming generation.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: ['Use streaming so bytes flow early.', 'Lower `max_tokens`, or pick a faster model or provider.', FALLBACKS],
  },
  529: {
    title: '529 Provider overloaded',
    meaning: 'The provider is overloaded and refused the request.',
    causes: ['Temporary overload at the upstream provider.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS],
  },
};
