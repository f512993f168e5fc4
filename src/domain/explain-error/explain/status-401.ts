/**
 * 401: invalid, deleted or missing key (shared/reference/openrouter-api.md §8).
 * @module
 */
import type { Explanation, LiveAccount, ParsedError } from '../types.js';
import { has } from './has-signal.js';

export function explain401(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  if (has(p, 'user-not-found')) {
    out.meaning =
      '"User not found." means the API key is invalid, deleted or disabled: OpenRouter knows no user for it.';
    out.causes = [
      'The key was deleted or disabled at https://openrouter.ai/settings/keys, or it expired.',
      'The key is mistyped or truncated (copied without its last characters, or with quotes or a newline).',
      'The key belongs to a different or deleted account.',
    ];
    out.fixes.unshift(
      'Create a new key at https://openrouter.ai/settings/keys and update the secret where the app reads it.',
    );
  } else if (has(p, 'no-auth')) {
    out.meaning = '"No auth credentials found" means the request carried no `Authorization: Bearer …` header at all.';
    out.causes = [
      'The environment variable holding the key is empty or not loaded.',
      'The header is misspelt or lacks the `Bearer ` prefix, or a proxy strips it.',
    ];
  }
  if (live) {
    if (live.keyRejected) out.live.push('The bot’s own configured key is rejected too (401): replace it.');
    else if (live.keyLimit !== undefined || live.isFreeTier !== undefined)
      out.live.push(
        'The bot’s own configured key works right now, so the failing request used a different (or since-fixed) key.',
      );
  }
}
