/**
 * Cost estimates from `/models` list prices, estimate-vs-actual explanations, model-id suggestions
 * and token-count parsing. Used by `estimate`, `request` and reconcile.
 *
 * Ground truth: shared/reference/openrouter-api.md §6.1 (the `pricing` object, overrides, discount),
 * §9.1 (how to read `cost`, BYOK, cache) and §11 item 3 (why estimates differ from charges).
 * An estimate is only an estimate: the list price is the top provider's, the charge is the serving
 * provider's. Pure: no I/O, no clock reads.
 * @module
 */
import type { PriceOverride, Pricing } from '../openrouter/types.js';
import { formatUsd } from './money.js';

export interface UsageForEstimate {
  /** All prompt tokens, cached ones included (as `usage.prompt_tokens` counts them). */
  promptTokens: number;
  /** All completion tokens, reasoning ones included (as `usage.completion_tokens` counts them). */
  completionTokens: number;
  /** Prompt tokens read from the cache (a subset of `promptTokens`). */
  cachedTokens?: number;
  /** Reasoning tokens (a subset of `completionTokens`). */
  reasoningTokens?: number;
  /** Number of requests for the per-request price; default 1. */
  requests?: number;
}

export interface CostEstimate {
  total: number;
  prompt: number;
  completion: number;
  cacheRead: number;
  request: number;
  reasoning: number;
  /** The conditional prices that applied (price keys merged, later entries winning), or null. */
  override: PriceOverride | null;
  /** The discount fraction applied (price × (1 − discount)). */
  discount: number;
}

export interface EstimateComparison {
  /** actual − estimate (USD). */
  delta: number;
  /** actual / estimate, or null when the estimate is 0. */
  ratio: number | null;
  explanation: string[];
}

/** Rounds float noise away: to 1e-10 USD. */
export function roundUsd(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const r = Math.round(n * 1e10) / 1e10;
  return Object.is(r, -0) ? 0 : r;
}

function count(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** A price in USD; negative (e.g. "-1" for variable-price routers) and non-finite values count as 0. */
function price(n: number | null | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** HHMM → minutes after midnight, or undefined when not a valid time. */
function hhmm(v: number | undefined): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2400) return undefined;
  const h = Math.floor(v / 100);
  const m = v % 100;
  if (m >= 60 || (h === 24 && m !== 0)) return undefined;
  return h * 60 + m;
}

/**
 * Whether an override's conditions hold. `min_prompt_tokens` is strictly greater than. A time
 * window [utc_start, utc_end) in UTC may wrap past midnight (start > end); start = end means all day.
 * Time conditions never hold without `at` (the top-level prices are the ones that apply now).
 */
function overrideApplies(o: PriceOverride, promptTokens: number, at: Date | undefined): boolean {
  if (o.minPromptTokens !== undefined && !(promptTokens > o.minPromptTokens)) return false;
  if (o.utcStart === undefined && o.utcEnd === undefined) return true;
  if (!at || Number.isNaN(at.getTime())) return false;
  const now = at.getUTCHours() * 60 + at.getUTCMinutes();
  const start = o.utcStart === undefined ? undefined : hhmm(o.utcStart);
  const end = o.utcEnd === undefined ? undefined : hhmm(o.utcEnd);
  if ((o.utcStart !== undefined && start === undefined) || (o.utcEnd !== undefined && end === undefined)) return false;
  if (start !== undefined && end !== undefined) {
    if (start === end) return true;
    return start < end ? now >= start && now < end : now >= start || now < end;
  }
  if (start !== undefined) return now >= start;
  return now < (end as number);
}

const PRICE_KEYS = ['prompt', 'completion', 'inputCacheRead', 'inputCacheWrite'] as const;

/**
 * Expected cost of a call from list prices.
 *
 * - Overrides: every entry whose conditions hold is applied in order; later entries win per price key.
 * - Discount: every price (tokens and per-request) × (1 − discount); the discount is clamped to [0, 1].
 * - Cached tokens: when the (effective) `inputCacheRead` price exists, they are billed at it and
 *   removed from the normal prompt tokens; otherwise they are ordinary prompt tokens.
 * - Reasoning tokens: OpenRouter counts them inside `completion_tokens`. Only when the model lists a
 *   positive `internalReasoning` price are they split out and billed at it; otherwise (null or 0)
 *   they stay in the completion tokens at the completion price, and `reasoning` is 0.
 * - Cache writes and auxiliary fees (web search, images) are not estimated.
 * - Every figure is rounded to 1e-10 USD.
 */
export function estimateCost(pricing: Pricing, usage: UsageForEstimate, at?: Date): CostEstimate {
  const promptTokens = count(usage.promptTokens);
  const completionTokens = count(usage.completionTokens);
  const cached = Math.min(count(usage.cachedTokens), promptTokens);
  const reasoningTokens = Math.min(count(usage.reasoningTokens), completionTokens);
  const requests = usage.requests === undefined ? 1 : count(usage.requests);

  const prices = {
    prompt: pricing.prompt,
    completion: pricing.completion,
    inputCacheRead: pricing.inputCacheRead as number | null | undefined,
    inputCacheWrite: pricing.inputCacheWrite as number | null | undefined,
  };
  let override: PriceOverride | null = null;
  for (const o of pricing.overrides ?? []) {
    if (!overrideApplies(o, promptTokens, at)) continue;
    const merged: PriceOverride = { ...(override ?? {}) };
    for (const key of PRICE_KEYS) {
      const v = o[key];
      if (typeof v === 'number' && Number.isFinite(v)) {
        prices[key] = v;
        merged[key] = v;
      }
    }
    if (o.minPromptTokens !== undefined) merged.minPromptTokens = o.minPromptTokens;
    if (o.utcStart !== undefined) merged.utcStart = o.utcStart;
    if (o.utcEnd !== undefined) merged.utcEnd = o.utcEnd;
    override = merged;
  }

  const rawDiscount = pricing.discount;
  const discount =
    typeof rawDiscount === 'number' && Number.isFinite(rawDiscount) ? Math.min(1, Math.max(0, rawDiscount)) : 0;
  const factor = 1 - discount;

  const hasCacheRead =
    typeof prices.inputCacheRead === 'number' && Number.isFinite(prices.inputCacheRead) && prices.inputCacheRead >= 0;
  const cachedBilled = hasCacheRead ? cached : 0;
  const reasoningPrice = price(pricing.internalReasoning);
  const reasoningBilled = reasoningPrice > 0 ? reasoningTokens : 0;

  const prompt = roundUsd((promptTokens - cachedBilled) * price(prices.prompt) * factor);
  const cacheRead = roundUsd(cachedBilled * price(prices.inputCacheRead) * factor);
  const completion = roundUsd((completionTokens - reasoningBilled) * price(prices.completion) * factor);
  const reasoning = roundUsd(reasoningBilled * reasoningPrice * factor);
  const request = roundUsd(requests * price(pricing.request) * factor);
  const total = roundUsd(prompt + cacheRead + completion + reasoning + request);
  return { total, prompt, completion, cacheRead, request, reasoning, override, discount };
}

function near(a: number, b: number, tolerance = 0.01): boolean {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 || Math.abs(a - b) <= tolerance * scale + 1e-10;
}

/**
 * Explains why a list-price estimate differs from what OpenRouter charged (`total_cost` / `usage.cost`).
 * `delta` is actual − estimate. Within 1% counts as a match.
 *
 * - Cache: a positive `cacheDiscount` is a saving the estimate did not know about; a negative one is a
 *   cache-write premium.
 * - BYOK: `actual` is only OpenRouter's fee; the provider bills `upstreamInferenceCost` directly, so
 *   the estimate is compared with the upstream cost. For non-BYOK, `upstreamInferenceCost` is a
 *   breakdown of the same charge and is never added.
 * - Otherwise: the serving provider's price differs from the top provider's list price.
 */
export function compareEstimate(
  estimate: number,
  actual: number,
  g: {
    cacheDiscount: number | null;
    isByok: boolean;
    upstreamInferenceCost: number | null;
    providerName: string | null;
  },
): EstimateComparison {
  const est = Number.isFinite(estimate) ? estimate : 0;
  const act = Number.isFinite(actual) ? actual : 0;
  const delta = roundUsd(act - est);
  const ratio = est > 0 ? Math.round((act / est) * 1e6) / 1e6 : null;
  const explanation: string[] = [];
  const upstream =
    typeof g.upstreamInferenceCost === 'number' && Number.isFinite(g.upstreamInferenceCost)
      ? g.upstreamInferenceCost
      : null;
  const cache = typeof g.cacheDiscount === 'number' && Number.isFinite(g.cacheDiscount) ? g.cacheDiscount : 0;
  const provider = g.providerName ? `the provider that served it (${g.providerName})` : 'the provider that served it';

  if (g.isByok) {
    explanation.push(
      `BYOK: ${formatUsd(act)} is only OpenRouter’s fee; the provider bills the inference (${upstream === null ? 'amount unknown' : formatUsd(upstream)}) to your own key directly.`,
    );
    if (upstream !== null) {
      explanation.push(
        near(upstream, est)
          ? 'The provider’s charge matches the list-price estimate (within 1%).'
          : `The provider’s charge differs from the estimate by ${formatUsd(upstream - est)}: ${provider} may price differently from the list price.`,
      );
    }
    return { delta, ratio, explanation };
  }

  if (near(act, est)) {
    explanation.push('Matches the list-price estimate (within 1%).');
    if (cache !== 0)
      explanation.push(`Cache ${cache > 0 ? 'discount' : 'write premium'} of ${formatUsd(Math.abs(cache))} included.`);
    return { delta, ratio, explanation };
  }

  if (act === 0 && est > 0) {
    explanation.push(
      'Nothing was charged: a free variant, or zero completion insurance (a response ending in error or with no completion is not billed).',
    );
  }
  if (cache > 0) {
    explanation.push(
      `Prompt caching saved ${formatUsd(cache)} (cache_discount)${near(act, est - cache) ? ', which accounts for the difference' : ''}; a list-price estimate knows nothing about cache hits.`,
    );
  } else if (cache < 0) {
    explanation.push(
      `Writing to the prompt cache cost a premium of ${formatUsd(-cache)} (negative cache_discount)${near(act, est - cache) ? ', which accounts for the difference' : ''}.`,
    );
  }
  if (upstream !== null && act > upstream && !near(act, upstream)) {
    explanation.push(
      `OpenRouter charged ${formatUsd(act - upstream)} more than the inference itself (${formatUsd(upstream)}): plugins such as web search are billed on top. The upstream figure is a breakdown of the charge, not an extra cost.`,
    );
  }
  const explainedByCache = cache !== 0 && near(act, est - cache);
  if (!explainedByCache && !(act === 0 && est > 0)) {
    explanation.push(
      `${act > est ? 'Charged more' : 'Charged less'} than the estimate (${formatUsd(delta)}): the list price is the top provider’s, and ${provider} may price differently.`,
    );
  }
  return { delta, ratio, explanation };
}

const MAX_QUERY = 200;
const MAX_IDS = 10_000;

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

function suffix(id: string): string {
  const i = id.indexOf('/');
  return i === -1 ? id : id.slice(i + 1);
}

/**
 * Up to `n` model ids close to `query`, best first: exact match ignoring case; the part after `/`
 * matching; substring matches (shortest first); then edit distance (within about half the query's
 * length). Inputs are cut to 200 characters and 10,000 ids.
 */
export function closestModels(query: string, ids: readonly string[], n = 3): string[] {
  const limit = Math.max(0, Math.min(50, Math.floor(Number.isFinite(n) ? n : 3)));
  const q = String(query ?? '')
    .trim()
    .toLowerCase()
    .slice(0, MAX_QUERY);
  if (!q || limit === 0) return [];
  const list = ids.slice(0, MAX_IDS).filter((id): id is string => typeof id === 'string' && id.length > 0);
  const lower = list.map((id) => id.toLowerCase().slice(0, MAX_QUERY));
  const qSuffix = suffix(q);
  const out: string[] = [];
  const add = (id: string) => {
    if (out.length < limit && !out.includes(id)) out.push(id);
  };

  list.forEach((id, i) => {
    if (lower[i] === q) add(id);
  });
  list.forEach((id, i) => {
    const s = suffix(lower[i] as string);
    if (s === qSuffix || s === q) add(id);
  });
  if (out.length >= limit) return out;

  const substring = list
    .map((id, i) => ({ id, l: lower[i] as string }))
    .filter(({ l }) => l.includes(q) || (qSuffix.length >= 3 && l.includes(qSuffix)))
    .sort((a, b) => a.l.length - b.l.length || a.l.localeCompare(b.l));
  for (const { id } of substring) add(id);
  if (out.length >= limit) return out;

  const cap = Math.max(2, Math.ceil(qSuffix.length / 2));
  const scored: { id: string; d: number }[] = [];
  list.forEach((id, i) => {
    if (out.includes(id)) return;
    const l = lower[i] as string;
    const d = Math.min(editDistance(q, l, cap), editDistance(qSuffix, suffix(l), cap));
    if (d <= cap) scored.push({ id, d });
  });
  scored.sort((a, b) => a.d - b.d || a.id.length - b.id.length || a.id.localeCompare(b.id));
  for (const { id } of scored) add(id);
  return out;
}

const MULTIPLIER_ZEROS: Record<string, number> = { '': 0, k: 3, m: 6, b: 9 };
const MAX_TOKENS = 10_000_000_000;

/**
 * Reads a token count: `12000`, `12,000`, `12_000`, `12k`, `1.5M`, `2b`. Returns null for negatives,
 * fractions of a token (`1.5`, `1.0005k`), anything above 10,000,000,000, and non-numbers.
 */
export function parseTokenCount(s: string): number | null {
  if (typeof s !== 'string' || s.length > 40) return null;
  const m = /^(\d{1,3}(?:,\d{3})+|\d{1,3}(?:_\d{3})+|\d+)(?:\.(\d+))?\s*([kmb]?)$/i.exec(s.trim());
  if (!m) return null;
  const intPart = (m[1] as string).replace(/[,_]/g, '');
  let frac = m[2] ?? '';
  const zeros = MULTIPLIER_ZEROS[(m[3] ?? '').toLowerCase()] ?? 0;
  // Exact decimal arithmetic: the fraction must vanish after scaling.
  frac = frac.replace(/0+$/, '');
  if (frac.length > zeros) return null;
  const digits = `${intPart}${frac}${'0'.repeat(zeros - frac.length)}`.replace(/^0+(?=\d)/, '');
  if (digits.length > 11) return null;
  const value = Number(digits);
  return Number.isSafeInteger(value) && value <= MAX_TOKENS ? value : null;
}
