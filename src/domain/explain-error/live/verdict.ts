/**
 * The 402 judgement: did the account balance or the key limit run out? Live data first (balance
 * from `/credits`, the key's `limit_remaining` from `/key`), then what the message points to
 * (shared/reference/openrouter-api.md §3.3, §8.3).
 * @module
 */
import { has } from '../explain/has-signal.js';
import type { LiveAccount, ParsedError, Verdict } from '../types.js';
import { isNum, LOW_USD } from './numbers.js';

/** Which limit the message itself points to, and whether it is the pre-flight check against max_tokens. */
export interface CreditSide {
  key: boolean;
  account: boolean;
  preflight: boolean;
}

export function creditSide(p: ParsedError): CreditSide {
  const src = (p.limitSource ?? '').toLowerCase();
  return {
    key: has(p, 'key-limit', 'prompt-tokens-limit') || src.includes('key'),
    account: has(p, 'account-credits') || src === 'openrouter_credits',
    preflight: has(p, 'can-only-afford'),
  };
}

/** The verdict (live data first, then the message) and what the message alone says. */
export function judge402(side: CreditSide, live?: LiveAccount): { verdict: Verdict; fromText?: Verdict } {
  let verdict: Verdict = 'unknown';
  const balanceKnown = live !== undefined && isNum(live.balance);
  const keyKnown = live !== undefined && (live.keyLimit === null || isNum(live.keyLimitRemaining));
  const accountOut = balanceKnown && (live?.balance as number) < LOW_USD;
  const keyOut =
    keyKnown &&
    live?.keyLimit !== null &&
    isNum(live?.keyLimitRemaining) &&
    (live?.keyLimitRemaining as number) < LOW_USD;
  if (accountOut && keyOut) verdict = 'both';
  else if (accountOut) verdict = 'account-credits';
  else if (keyOut) verdict = 'key-limit';
  else if (balanceKnown && keyKnown) verdict = 'neither';
  else if (side.key && side.account) verdict = 'both';
  else if (side.key) verdict = 'key-limit';
  else if (side.account) verdict = 'account-credits';
  const fromText: Verdict | undefined =
    side.key && side.account ? 'both' : side.key ? 'key-limit' : side.account ? 'account-credits' : undefined;
  return fromText === undefined ? { verdict } : { verdict, fromText };
}
