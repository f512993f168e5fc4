/**
 * BYOK (bring your own provider key): the inference is billed by the user's own provider, outside the
 * credits, and OpenRouter charges a fee of 5 % of the normal price from the credits, beyond a monthly
 * allowance of $25,000 of list price on pay-as-you-go (shared/reference/openrouter-api.md §2.2, from
 * OpenRouter's FAQ, https://openrouter.ai/docs/faq). `/activity` reports the provider's part as
 * `byok_usage_inference` (§5); the fee is not reported apart (rows of one endpoint mix BYOK and
 * credit-paid requests), so it is computed here from the month's BYOK volume.
 * @module
 */
import { formatUsd } from './money.js';

/** OpenRouter's BYOK fee rate, of the normal OpenRouter price. */
const BYOK_FEE_RATE = 0.05;
/** The monthly BYOK volume (list price) free of the fee on pay-as-you-go. */
const BYOK_FREE_MONTHLY_USD = 25_000;

/** The fee on a calendar month's BYOK volume so far: 5 % of what exceeds the monthly allowance. */
export function byokMonthFee(monthByokUsd: number): number {
  return BYOK_FEE_RATE * Math.max(0, monthByokUsd - BYOK_FREE_MONTHLY_USD);
}

/** One line on BYOK spend and its fee, or nothing when there was no BYOK use. */
export function byokNote(byokUsd: number): string | undefined {
  if (!(byokUsd > 0)) return undefined;
  return `BYOK: ${formatUsd(byokUsd)} billed by your own provider keys (not from your credits). OpenRouter’s ${BYOK_FEE_RATE * 100} % BYOK fee on it (${formatUsd(byokUsd * BYOK_FEE_RATE)}) is charged to credits only beyond ${formatUsd(BYOK_FREE_MONTHLY_USD)} of BYOK use in a month.`;
}
