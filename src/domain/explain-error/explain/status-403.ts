/**
 * 403: management-only endpoints, moderation, guardrails, regions; never about credits
 * (shared/reference/openrouter-api.md §8).
 * @module
 */
import { formatUsd } from '../../money.js';
import { isNum } from '../live/numbers.js';
import type { Explanation, LiveAccount, ParsedError } from '../types.js';
import { has } from './has-signal.js';

export function explain403(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const fixes: string[] = [];
  if (has(p, 'foreign-generation')) {
    out.meaning =
      'This generation id belongs to another OpenRouter account: ids are only visible to the account that made them. The key is fine, and nothing is wrong with credits.';
    out.causes = [
      'The request was made with a key of another account (another team, a personal account, a customer’s BYOK set-up), or the id was copied from someone else’s logs.',
    ];
    fixes.push(
      'Look the id up with a key of the account that made the request, or ask its owner.',
      'Check which OpenRouter account your application’s key belongs to at https://openrouter.ai/settings/keys.',
    );
    out.fixes = fixes;
    return;
  }
  if (has(p, 'management-only')) {
    out.meaning =
      'This endpoint needs a management key (formerly "provisioning key"), and the request used an ordinary inference key. Nothing is wrong with credits.';
    out.causes = [
      'GET /credits, /keys, /activity and the analytics API accept only management keys: "Only management keys can perform this operation".',
      'Management keys in turn cannot call the completion endpoints.',
    ];
    fixes.push(
      'Create a management key at https://openrouter.ai/settings/management-keys and use it for the admin endpoints (for this bot: OPENROUTER_MANAGEMENT_KEY).',
      'To see one key’s remaining limit with an inference key, call GET /api/v1/key (limit_remaining) instead.',
    );
  }
  if (has(p, 'guardrail'))
    fixes.push('Check the guardrails of the key or workspace (allowed models, providers, budgets).');
  if (has(p, 'moderation'))
    fixes.push('The input was flagged by moderation: rephrase it, or choose a model without mandatory moderation.');
  if (has(p, 'region'))
    fixes.push('The model or provider is not available in your region: pick another provider or model.');
  if (fixes.length === 0) {
    fixes.push(
      'Check which key made the call (inference vs management) and the key’s guardrails at https://openrouter.ai/settings/keys.',
      'If the input was flagged, rephrase it or pick a model without mandatory moderation.',
    );
  }
  const creditsSounding =
    has(p, 'insufficient-credits', 'can-only-afford', 'account-credits', 'prompt-tokens-limit') ||
    /credit/i.test(p.message ?? '');
  if (creditsSounding) {
    out.causes.unshift(
      'The docs settled it: insufficient credits is 402 Payment Required, not 403. A "403 … insufficient credits" label usually comes from an outdated error table or a client library relabelling the status; read the real HTTP status and body.',
    );
    fixes.push(
      'If the body really speaks about credits, treat it as a 402: run `/credits explain 402` to see whether the balance or the key limit ran out.',
    );
    if (live && isNum(live.balance)) out.live.push(`Account balance right now: ${formatUsd(live.balance)}.`);
    if (live && isNum(live.keyLimitRemaining))
      out.live.push(`The bot’s key has ${formatUsd(live.keyLimitRemaining)} of its limit left.`);
  }
  out.fixes = fixes;
}
