/**
 * What the live account says about a 402: the balance, the bot's key limit, the verdict in words,
 * and when a key limit resets (shared/reference/openrouter-api.md §3.3).
 * @module
 */
import { formatTokens, formatUsd } from '../../money.js';
import type { Explanation, LiveAccount, Verdict } from '../types.js';
import { isNum, LOW_USD } from './numbers.js';
import { nextKeyReset } from './reset-times.js';
import type { CreditSide } from './verdict.js';

export interface Live402 {
  verdict: Verdict;
  fromText?: Verdict;
  side: CreditSide;
  requested?: number;
  afford?: number;
}

/** Adds the live lines (and, for a key limit with a reset, the retry time) to `out`. */
export function describeLive402(out: Explanation, live: LiveAccount, judged: Live402): void {
  const { verdict, fromText, side, requested, afford } = judged;
  const lines = out.live;
  if (isNum(live.balance)) {
    lines.push(
      `Account balance: ${formatUsd(live.balance)}${isNum(live.totalCredits) ? ` of ${formatUsd(live.totalCredits)} bought in total` : ''}${live.balance < LOW_USD ? ' — exhausted.' : '.'}`,
    );
  } else {
    lines.push('Account balance: unknown (reading it needs the management key).');
  }
  const failing = live.failingKey;
  // The key the error names, when it does (metadata or a pasted key); else the bot's own key.
  const who = failing?.found ? `The key that failed (${failing.name})` : 'The bot’s key';
  if (failing && !failing.found) {
    lines.push(
      'The key named in the error is not among this account’s keys (another account’s, or deleted), so its limit is unknown; the bot’s own key says nothing about it.',
    );
  } else if (live.keyLimit === null) {
    lines.push(`${who} has no spending limit.`);
  } else if (isNum(live.keyLimitRemaining)) {
    lines.push(
      `${who}: ${formatUsd(live.keyLimitRemaining)} left${isNum(live.keyLimit) ? ` of its ${formatUsd(live.keyLimit)}` : ''} limit${live.keyLimitReset ? ` (resets ${live.keyLimitReset})` : ' (never resets)'}${live.keyLimitRemaining < LOW_USD ? ' — exhausted.' : '.'}`,
    );
  } else if (live.keyRejected) {
    lines.push('The bot’s key is rejected (401), so its limit is unknown.');
  } else {
    lines.push(`${who} limit: unknown.`);
  }
  const sameKeyNote = failing ? '' : ' (This is the bot’s own key; the failing request may have used another one.)';
  switch (verdict) {
    case 'both':
      lines.push('Verdict: both ran out — the account balance and the key limit.');
      break;
    case 'account-credits':
      lines.push('Verdict: the account balance ran out; the key limit is not the problem.');
      break;
    case 'key-limit':
      lines.push(`Verdict: the key limit ran out while the account still has credits.${sameKeyNote}`);
      break;
    case 'neither':
      lines.push(
        `Verdict: neither is exhausted right now. The 402 was most likely the pre-flight check against max_tokens${requested !== undefined && afford !== undefined ? ` (asked for ${formatTokens(requested)}, could afford ${formatTokens(afford)})` : ''}, or a condition resolved since (credits added, limit reset).${side.key ? sameKeyNote : ''}`,
      );
      break;
    default:
      lines.push('Verdict: unknown — not enough live data to tell the balance from the key limit.');
  }

  if (
    fromText &&
    fromText !== verdict &&
    (verdict === 'key-limit' || verdict === 'account-credits' || verdict === 'neither')
  ) {
    lines.push(
      `The message itself points to ${fromText === 'key-limit' ? 'a key limit' : fromText === 'account-credits' ? 'the account balance' : 'both'}: the failing request may have used a different key, or the state changed since.`,
    );
  }
  if ((verdict === 'key-limit' || verdict === 'both') && live.fetchedAt) {
    const at = nextKeyReset(live.keyLimitReset, live.fetchedAt);
    if (at && verdict === 'key-limit') {
      out.retry = {
        advice: 'at',
        text: `The key limit resets ${live.keyLimitReset} at midnight UTC; retry then, or sooner after raising the limit.`,
        at,
      };
    }
  }
}
