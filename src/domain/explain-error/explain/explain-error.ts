/**
 * Explains a parsed error: the catalog entry for its status, refined by what the paste says and,
 * with the live account state, by what that state implies. Pure: no I/O, no clock reads.
 * @module
 */

import { clone } from '../catalog/entry.js';
import { genericEntry } from '../catalog/generic.js';
import { CATALOG } from '../catalog/index.js';
import type { Explanation, LiveAccount, ParsedError } from '../types.js';
import { has } from './has-signal.js';
import { explainMidStream } from './mid-stream.js';
import { explain401 } from './status-401.js';
import { explain402 } from './status-402.js';
import { explain403 } from './status-403.js';
import { explain404 } from './status-404.js';
import { explain429 } from './status-429.js';

/** Explains a parsed error; with `live`, also says what the account state implies. */
export function explainError(p: ParsedError, live?: LiveAccount): Explanation {
  const status = p.status ?? null;
  const known = status !== null ? CATALOG[status] : undefined;
  const e = clone(known ?? genericEntry(status));
  const out: Explanation = {
    status,
    title: e.title,
    meaning: e.meaning,
    causes: e.causes,
    retry: e.retry,
    fixes: e.fixes,
    live: [],
  };

  if (p.statusInferred && status !== null) out.title = `${e.title} (recognised from the message)`;

  switch (status) {
    case 401:
      explain401(p, out, live);
      break;
    case 402:
      explain402(p, out, live);
      break;
    case 403:
      explain403(p, out, live);
      break;
    case 404:
      explain404(p, out);
      break;
    case 429:
      explain429(p, out, live);
      break;
    default:
      break;
  }

  if (status === 400 && has(p, 'context-length')) {
    out.causes.unshift('The prompt plus `max_tokens` exceeds the model’s context length.');
    out.fixes.unshift('Shorten the prompt or lower `max_tokens`, or use a model with a longer context.');
  }
  if (status !== null && status >= 500 && p.providerName) {
    out.causes.unshift(`The provider ${p.providerName} failed.`);
  }
  if (p.retryAfterSeconds !== undefined && out.retry.advice !== 'at') {
    out.retry = {
      advice: 'backoff',
      text: `Wait at least ${p.retryAfterSeconds} s (the Retry-After header), then retry with backoff.`,
    };
  }
  if (p.previousErrors && p.previousErrors.length > 0) {
    const codes = p.previousErrors.map((x) => (x.code === undefined ? '?' : String(x.code))).join(', ');
    out.causes.push(
      `OpenRouter tried ${p.previousErrors.length} fallback attempt(s) first; they failed with ${codes}.`,
    );
  }
  if (p.remedyHint) out.fixes.push(`OpenRouter’s hint: ${p.remedyHint}`);

  if (p.midStream) explainMidStream(p, out);
  if (live?.keyRejected && status !== 401) {
    out.live.push('The bot’s own API key is currently rejected by OpenRouter (401).');
  }
  return out;
}
