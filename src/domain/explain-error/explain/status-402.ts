/**
 * 402: the account balance or the key limit ran out, or the pre-flight check against max_tokens
 * failed (shared/reference/openrouter-api.md §3.3, §8.3).
 * @module
 */
import { formatTokens } from '../../money.js';
import { describeLive402 } from '../live/live-402.js';
import { creditSide, judge402 } from '../live/verdict.js';
import type { Explanation, LiveAccount, ParsedError } from '../types.js';
import { has } from './has-signal.js';

export function explain402(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const side = creditSide(p);
  const afford = p.affordableTokens;
  const requested = p.requestedTokens;
  const causes: string[] = [];

  if (side.key) {
    causes.push(
      has(p, 'prompt-tokens-limit')
        ? `The prompt alone (${requested === undefined ? '?' : formatTokens(requested)} tokens) costs more than this key’s remaining limit allows (${afford === undefined ? '?' : formatTokens(afford)} tokens). The message points to the key limit (settings/keys … higher monthly limit).`
        : 'The message points to the per-key spending limit (settings/keys … higher monthly limit): this API key’s own cap is used up, even if the account still has credits.',
    );
  }
  if (side.account) {
    causes.push(
      'The message points to the account balance (settings/credits, limit_source openrouter_credits): the account’s credits are used up or too low.',
    );
  }
  if (side.preflight) {
    causes.push(
      `Pre-flight check against max_tokens: the request asked for up to ${requested === undefined ? 'N' : formatTokens(requested)} output tokens, but what is left pays for only ${afford === undefined ? 'M' : formatTokens(afford)}. Without an explicit max_tokens OpenRouter assumes the model’s default maximum output.`,
    );
  }
  out.causes =
    causes.length > 0
      ? [...causes, ...out.causes.filter((c) => !side.preflight || !c.startsWith('The pre-flight'))]
      : out.causes;

  const fixes: string[] = [];
  const accountFix = 'Add credits at https://openrouter.ai/settings/credits.';
  const keyFix =
    'Raise this key’s limit (or create a key with a higher limit) at https://openrouter.ai/settings/keys, or wait for the limit to reset.';
  const tokensFix =
    afford !== undefined && afford > 0
      ? `Lower max_tokens to at most ${formatTokens(afford)} (set it explicitly instead of relying on the model default), or shorten the prompt.`
      : 'Set max_tokens explicitly to what you need (the model default can be 65,536 or more), and shorten the prompt.';

  const { verdict, fromText } = judge402(side, live);
  out.verdict = verdict;

  if (verdict === 'account-credits' || verdict === 'both') fixes.push(accountFix);
  if (verdict === 'key-limit' || verdict === 'both') fixes.push(keyFix);
  if (side.preflight || verdict === 'neither') fixes.push(tokensFix);
  if (verdict === 'unknown') fixes.push(accountFix, keyFix, tokensFix);
  if (!fixes.includes(tokensFix) && afford !== undefined && afford > 0) fixes.push(tokensFix);
  fixes.push(
    'Monitor GET /api/v1/key (limit_remaining) and the balance before requests start failing; `/credits alert below <usd>` warns in time.',
  );
  out.fixes = [...new Set(fixes)];

  if (!live) return;
  describeLive402(out, live, { verdict, fromText, side, requested, afford });
}
