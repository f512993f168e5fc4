/**
 * 404: a generation not published yet, or an unknown model or endpoint.
 * @module
 */
import type { Explanation, ParsedError } from '../types.js';
import { has } from './has-signal.js';

export function explain404(p: ParsedError, out: Explanation): void {
  const generation =
    has(p, 'generation-not-found') || (p.generationId !== undefined && !has(p, 'model-not-found', 'no-endpoints'));
  if (generation) {
    out.title = '404 Not Found: generation not published yet (or unknown)';
    out.meaning =
      'The generation lookup found nothing. OpenRouter publishes a generation a few seconds after it completes, so a lookup right after the request often gets 404.';
    out.retry = {
      advice: 'backoff',
      text: 'Retry the lookup after a few seconds, with backoff, for up to about a minute.',
    };
    out.causes = [
      'The lookup came too soon after the request (the usual case).',
      'The id belongs to another OpenRouter account, or is mistyped.',
    ];
  } else if (has(p, 'model-not-found', 'no-endpoints')) {
    out.title = '404 Not Found: model or endpoint';
    out.meaning =
      'The model id is unknown, retired, or no provider endpoint currently serves it with the requested features.';
    out.retry = { advice: 'after-fix', text: 'Fix the model id (or relax the requested features), then retry.' };
    out.fixes = ['Check the id with `/credits estimate <model> …` (it suggests close ids) or GET /api/v1/models.'];
  }
}
