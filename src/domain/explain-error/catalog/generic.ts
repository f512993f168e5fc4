/**
 * The explanation for a status without a catalog entry: generic 5xx, 4xx, a 2xx that is no error,
 * or nothing recognisable.
 * @module
 */
import { BACKOFF, type Entry, FALLBACKS } from './entry.js';

export function genericEntry(status: number | null): Entry {
  if (status !== null && status >= 500) {
    return {
      title: `${status} Server error`,
      meaning: 'A server-side error at OpenRouter or the provider.',
      causes: ['A transient failure upstream.'],
      retry: { advice: 'backoff', text: BACKOFF },
      fixes: [FALLBACKS],
    };
  }
  if (status !== null && status >= 400) {
    return {
      title: `${status} Client error`,
      meaning: 'OpenRouter rejected the request; this status is not one it documents for chat completions.',
      causes: ['See the message for details.'],
      retry: { advice: 'after-fix', text: 'Fix what the message names, then retry.' },
      fixes: ['Read the message; compare the request with the API reference.'],
    };
  }
  if (status !== null && status >= 200 && status < 300) {
    return {
      title: `${status}: not an error status`,
      meaning: `HTTP ${status} is a success status. If the body carried an error, paste the body: errors during generation arrive inside a 200 response.`,
      causes: [],
      retry: { advice: 'yes', text: 'Nothing to retry unless the body had an error.' },
      fixes: [],
    };
  }
  return {
    title: status === null ? 'Unrecognised error' : `${status}: unknown status`,
    meaning: 'This does not match a status code or error text OpenRouter is known to send.',
    causes: ['Paste the full error body (the JSON with `error.code` and `error.message`) or the HTTP status.'],
    retry: { advice: 'no', text: 'Not enough information to say.' },
    fixes: [],
  };
}
