import { describe, expect, it } from 'vitest';
import type { Pricing } from '../openrouter/types.js';
import { closestModels, compareEstimate, estimateCost, parseTokenCount, roundUsd } from './pricing.js';

function pricing(p: Partial<Pricing>): Pricing {
  return {
    prompt: 0,
    completion: 0,
    request: 0,
    inputCacheRead: null,
    inputCacheWrite: null,
    internalReasoning: null,
    discount: 0,
    overrides: [],
    ...p,
  };
}

/** The §6.1 docs example: $2.50/M in, $10/M out; over 200K prompt tokens $5 and $20. */
const LONG_CONTEXT = pricing({
  prompt: 0.0000025,
  completion: 0.00001,
  overrides: [{ minPromptTokens: 200_000, prompt: 0.000005, completion: 0.00002 }],
});

describe('estimateCost', () => {
  it('prices prompt and completion tokens', () => {
    const e = estimateCost(LONG_CONTEXT, { promptTokens: 12_000, completionTokens: 800 });
    expect(e).toEqual({
      total: 0.038,
      prompt: 0.03,
      completion: 0.008,
      cacheRead: 0,
      request: 0,
      reasoning: 0,
      override: null,
      discount: 0,
    });
  });

  it('applies the prompt-size override strictly above min_prompt_tokens', () => {
    expect(estimateCost(LONG_CONTEXT, { promptTokens: 200_000, completionTokens: 0 }).prompt).toBe(0.5);
    const over = estimateCost(LONG_CONTEXT, { promptTokens: 200_001, completionTokens: 1_000 });
    expect(over.prompt).toBe(1.000005);
    expect(over.completion).toBe(0.02);
    expect(over.override).toMatchObject({ minPromptTokens: 200_000, prompt: 0.000005, completion: 0.00002 });
  });

  it('later overrides win per key', () => {
    const p = pricing({
      prompt: 1e-6,
      completion: 2e-6,
      overrides: [
        { minPromptTokens: 100, prompt: 3e-6, completion: 4e-6 },
        { minPromptTokens: 1000, prompt: 5e-6 },
      ],
    });
    const e = estimateCost(p, { promptTokens: 2000, completionTokens: 1000 });
    expect(e.prompt).toBe(0.01);
    expect(e.completion).toBe(0.004); // from the first override: the second has no completion price
    expect(e.override).toMatchObject({ prompt: 5e-6, completion: 4e-6 });
  });

  it('applies a time-of-day override that wraps past midnight (UTC)', () => {
    const p = pricing({
      prompt: 1e-6,
      completion: 1e-6,
      overrides: [{ utcStart: 2200, utcEnd: 600, prompt: 5e-7, completion: 5e-7 }],
    });
    const u = { promptTokens: 1_000_000, completionTokens: 0 };
    expect(estimateCost(p, u, new Date('2026-03-10T23:30:00Z')).prompt).toBe(0.5);
    expect(estimateCost(p, u, new Date('2026-03-10T02:00:00Z')).prompt).toBe(0.5);
    expect(estimateCost(p, u, new Date('2026-03-10T22:00:00Z')).prompt).toBe(0.5); // start inclusive
    expect(estimateCost(p, u, new Date('2026-03-10T06:00:00Z')).prompt).toBe(1); // end exclusive
    expect(estimateCost(p, u, new Date('2026-03-10T12:00:00Z')).prompt).toBe(1);
    // The evaluation is in UTC whatever offset the Date was written with.
    expect(estimateCost(p, u, new Date('2026-03-10T19:30:00-05:00')).prompt).toBe(0.5); // 00:30Z
    expect(estimateCost(p, u, new Date('2026-03-10T12:30:00-05:00')).prompt).toBe(1); // 17:30Z
    expect(estimateCost(p, u, new Date('2026-03-10T12:30:00-05:00')).override).toBeNull();
  });

  it('applies a same-day time window, and ignores time windows without a time', () => {
    const p = pricing({ prompt: 1e-6, overrides: [{ utcStart: 900, utcEnd: 1730, prompt: 2e-6 }] });
    const u = { promptTokens: 1_000_000, completionTokens: 0 };
    expect(estimateCost(p, u, new Date('2026-03-10T17:29:00Z')).prompt).toBe(2);
    expect(estimateCost(p, u, new Date('2026-03-10T17:30:00Z')).prompt).toBe(1);
    expect(estimateCost(p, u).prompt).toBe(1);
  });

  it('ignores overrides with an invalid HHMM', () => {
    const p = pricing({ prompt: 1e-6, overrides: [{ utcStart: 2575, utcEnd: 100, prompt: 9e-6 }] });
    expect(
      estimateCost(p, { promptTokens: 1_000_000, completionTokens: 0 }, new Date('2026-03-10T00:30:00Z')).prompt,
    ).toBe(1);
  });

  it('applies the discount to every price', () => {
    const p = pricing({ prompt: 1e-6, completion: 2e-6, request: 0.01, discount: 0.25 });
    const e = estimateCost(p, { promptTokens: 1_000_000, completionTokens: 1_000_000 });
    expect(e.prompt).toBe(0.75);
    expect(e.completion).toBe(1.5);
    expect(e.request).toBe(0.0075);
    expect(e.total).toBe(2.2575);
    expect(e.discount).toBe(0.25);
  });

  it('bills cached tokens at input_cache_read and removes them from the prompt', () => {
    const p = pricing({ prompt: 3e-6, completion: 15e-6, inputCacheRead: 3e-7, inputCacheWrite: 3.75e-6 });
    const e = estimateCost(p, { promptTokens: 10_000, completionTokens: 500, cachedTokens: 8_000 });
    expect(e.prompt).toBe(0.006);
    expect(e.cacheRead).toBe(0.0024);
    expect(e.completion).toBe(0.0075);
    expect(e.total).toBe(0.0159);
  });

  it('treats cached tokens as ordinary prompt tokens when there is no cache price', () => {
    const p = pricing({ prompt: 3e-6, inputCacheRead: null });
    const e = estimateCost(p, { promptTokens: 10_000, completionTokens: 0, cachedTokens: 8_000 });
    expect(e.prompt).toBe(0.03);
    expect(e.cacheRead).toBe(0);
  });

  it('caps cached tokens at the prompt tokens', () => {
    const p = pricing({ prompt: 1e-6, inputCacheRead: 1e-7 });
    const e = estimateCost(p, { promptTokens: 100, completionTokens: 0, cachedTokens: 1_000 });
    expect(e.prompt).toBe(0);
    expect(e.cacheRead).toBe(0.00001);
  });

  it('bills reasoning tokens at internal_reasoning only when the model sets it', () => {
    const withPrice = pricing({ completion: 1e-5, internalReasoning: 2e-5 });
    const e = estimateCost(withPrice, { promptTokens: 0, completionTokens: 1000, reasoningTokens: 400 });
    expect(e.completion).toBe(0.006);
    expect(e.reasoning).toBe(0.008);
    const without = estimateCost(pricing({ completion: 1e-5 }), {
      promptTokens: 0,
      completionTokens: 1000,
      reasoningTokens: 400,
    });
    expect(without.completion).toBe(0.01);
    expect(without.reasoning).toBe(0);
    const zero = estimateCost(pricing({ completion: 1e-5, internalReasoning: 0 }), {
      promptTokens: 0,
      completionTokens: 1000,
      reasoningTokens: 400,
    });
    expect(zero.completion).toBe(0.01);
  });

  it('adds the per-request price, once by default', () => {
    const p = pricing({ prompt: 1e-6, request: 0.005 });
    expect(estimateCost(p, { promptTokens: 1000, completionTokens: 0 }).request).toBe(0.005);
    expect(estimateCost(p, { promptTokens: 1000, completionTokens: 0, requests: 3 }).total).toBe(0.016);
  });

  it('a :free model costs 0', () => {
    const free = pricing({ prompt: 0, completion: 0, request: 0, inputCacheRead: 0 });
    const e = estimateCost(free, {
      promptTokens: 123_456,
      completionTokens: 7_890,
      cachedTokens: 1000,
      reasoningTokens: 50,
    });
    expect(e.total).toBe(0);
  });

  it('rounds float noise to 1e-10', () => {
    const p = pricing({ prompt: 0.1 / 1e6, completion: 0.2 / 1e6 });
    const e = estimateCost(p, { promptTokens: 3, completionTokens: 3 });
    expect(e.total).toBe(9e-7);
    expect(roundUsd(0.1 + 0.2)).toBe(0.3);
  });

  it('treats negative, NaN and missing numbers as 0', () => {
    const p = pricing({ prompt: -1, completion: Number.NaN, discount: Number.NaN });
    const e = estimateCost(p, { promptTokens: -5, completionTokens: Number.NaN });
    expect(e.total).toBe(0);
    expect(e.discount).toBe(0);
  });
});

describe('compareEstimate', () => {
  const g = { cacheDiscount: null, isByok: false, upstreamInferenceCost: null, providerName: null };

  it('within 1% matches', () => {
    const c = compareEstimate(0.01, 0.01005, g);
    expect(c.explanation).toEqual(['Matches the list-price estimate (within 1%).']);
    expect(c.delta).toBe(0.00005);
    expect(c.ratio).toBe(1.005);
  });

  it('a positive cache discount explains a lower charge', () => {
    const c = compareEstimate(0.02, 0.015, { ...g, cacheDiscount: 0.005 });
    expect(c.delta).toBe(-0.005);
    expect(c.explanation[0]).toMatch(/Prompt caching saved \$0\.005 .*accounts for the difference/);
    expect(c.explanation).toHaveLength(1);
  });

  it('a negative cache discount is a cache-write premium', () => {
    const c = compareEstimate(0.02, 0.023, { ...g, cacheDiscount: -0.003 });
    expect(c.explanation[0]).toMatch(/cache cost a premium of \$0\.003 .*accounts for the difference/);
  });

  it('BYOK: cost is the fee only; compares with upstream, never adds them', () => {
    const c = compareEstimate(0.00000285, 0, { ...g, isByok: true, upstreamInferenceCost: 0.00000285 });
    expect(c.delta).toBe(-0.00000285);
    expect(c.explanation[0]).toMatch(/BYOK: \$0\.00 is only OpenRouter’s fee/);
    expect(c.explanation[1]).toMatch(/matches/);
  });

  it('non-BYOK: upstream equal to the cost is a breakdown, not an extra', () => {
    const c = compareEstimate(0.00000285, 0.00000285, { ...g, upstreamInferenceCost: 0.00000285 });
    expect(c.delta).toBe(0);
    expect(c.explanation).toEqual(['Matches the list-price estimate (within 1%).']);
  });

  it('non-BYOK: plugin fees on top of the upstream cost', () => {
    const c = compareEstimate(0.029, 0.0340575, { ...g, upstreamInferenceCost: 0.0290575 });
    expect(c.explanation.join(' ')).toMatch(/plugins such as web search/);
  });

  it('otherwise blames the serving provider’s price', () => {
    const c = compareEstimate(0.01, 0.013, { ...g, providerName: 'DeepInfra' });
    expect(c.explanation[0]).toMatch(/Charged more.*top provider’s.*DeepInfra/);
  });

  it('nothing charged and a zero estimate', () => {
    expect(compareEstimate(0.01, 0, g).explanation[0]).toMatch(/zero completion insurance/);
    const z = compareEstimate(0, 0, g);
    expect(z.ratio).toBeNull();
    expect(z.explanation[0]).toMatch(/Matches/);
  });
});

describe('closestModels', () => {
  const ids = [
    'openai/gpt-4.1',
    'openai/gpt-4.1-mini',
    'openai/gpt-4o',
    'anthropic/claude-sonnet-4.5',
    'anthropic/claude-opus-4.1',
    'google/gemini-2.5-pro',
    'meta-llama/llama-3.3-70b-instruct:free',
  ];

  it('exact match ignoring case first', () => {
    expect(closestModels('OpenAI/GPT-4.1', ids)[0]).toBe('openai/gpt-4.1');
  });

  it('matches the part after the slash', () => {
    expect(closestModels('claude-sonnet-4.5', ids)[0]).toBe('anthropic/claude-sonnet-4.5');
    expect(closestModels('openrouter/gpt-4o', ids)[0]).toBe('openai/gpt-4o');
  });

  it('then substrings, shortest first', () => {
    expect(closestModels('gpt-4', ids)).toEqual(['openai/gpt-4o', 'openai/gpt-4.1', 'openai/gpt-4.1-mini']);
    expect(closestModels('llama', ids)).toEqual(['meta-llama/llama-3.3-70b-instruct:free']);
  });

  it('then edit distance', () => {
    expect(closestModels('anthropic/claude-sonet-4.5', ids)[0]).toBe('anthropic/claude-sonnet-4.5');
    expect(closestModels('gemini-2.5-por', ids, 1)).toEqual(['google/gemini-2.5-pro']);
  });

  it('returns nothing for nonsense, empty input or n = 0', () => {
    expect(closestModels('zzzzzzzzzzzzzzzzzzzzzz', ids)).toEqual([]);
    expect(closestModels('  ', ids)).toEqual([]);
    expect(closestModels('gpt', ids, 0)).toEqual([]);
  });

  it('is bounded on long input and long lists', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `vendor${i}/model-${'x'.repeat(i % 60)}-${i}`);
    const t0 = performance.now();
    closestModels('q'.repeat(100_000), many, 3);
    closestModels('vendor12/model-xxxxxxxxxxxy-12', many, 3);
    expect(performance.now() - t0).toBeLessThan(3_000);
  });
});

describe('parseTokenCount', () => {
  it.each([
    ['12000', 12_000],
    ['12,000', 12_000],
    ['1,234,567', 1_234_567],
    ['12_000', 12_000],
    ['12k', 12_000],
    ['12K', 12_000],
    ['1.5M', 1_500_000],
    ['1.5m', 1_500_000],
    ['0.5k', 500],
    ['2b', 2_000_000_000],
    ['10b', 10_000_000_000],
    ['0', 0],
    [' 800 ', 800],
    ['4.000k', 4_000],
  ])('%s → %i', (s, n) => {
    expect(parseTokenCount(s)).toBe(n);
  });

  it.each([
    '-5',
    '-1k',
    '1.5',
    '1.0005k',
    '10000000001',
    '11b',
    '1,2',
    '12,00',
    'abc',
    '',
    '1e6',
    '+5',
    '12 000 000',
    'k',
    '1.k',
    '9'.repeat(50),
  ])('%s → null', (s) => {
    expect(parseTokenCount(s)).toBeNull();
  });
});
