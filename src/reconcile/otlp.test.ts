import { describe, expect, it } from 'vitest';
import { anyValue, parseOtlpTraces } from './otlp.js';

/** Shaped like a Broadcast webhook delivery: OTLP JSON, 64-bit integers as strings (reference §10). */
const broadcastPayload = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'openrouter' } },
          { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'openrouter-broadcast' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'chat openai/gpt-4.1',
              kind: 3,
              startTimeUnixNano: '1767225600000000000',
              endTimeUnixNano: '1767225601250000000',
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.system', value: { stringValue: 'openrouter' } },
                { key: 'gen_ai.request.model', value: { stringValue: 'openai/gpt-4.1' } },
                { key: 'gen_ai.response.model', value: { stringValue: 'openai/gpt-4.1-2025-04-14' } },
                { key: 'gen_ai.response.id', value: { stringValue: 'gen-1767225600-Fo6eODcuRTI4SOm6VCIQ' } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '50' } },
                { key: 'gen_ai.usage.output_tokens', value: { intValue: 125 } },
                { key: 'gen_ai.usage.total_tokens', value: { intValue: '175' } },
                { key: 'gen_ai.usage.cost', value: { doubleValue: 0.0015 } },
                { key: 'gen_ai.response.finish_reason', value: { stringValue: 'stop' } },
                { key: 'user.id', value: { stringValue: 'user-123' } },
                { key: 'trace.metadata.tag', value: { stringValue: 'search' } },
                {
                  key: 'gen_ai.response.finish_reasons',
                  value: { arrayValue: { values: [{ stringValue: 'stop' }] } },
                },
              ],
              status: { code: 1 },
            },
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'aaa19b7ec3c1b174',
              name: 'workflow',
              startTimeUnixNano: '1767225600000000000',
              attributes: [{ key: 'trace.name', value: { stringValue: 'agent run' } }],
            },
          ],
        },
      ],
    },
  ],
};

describe('anyValue', () => {
  it('reads every OTLP value kind, integers given as strings or numbers', () => {
    expect(anyValue({ stringValue: 'x' })).toBe('x');
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: 42 })).toBe(42);
    expect(anyValue({ intValue: '9223372036854775807' })).toBe('9223372036854775807');
    expect(anyValue({ doubleValue: '0.25' })).toBe(0.25);
    expect(anyValue({ boolValue: true })).toBe(true);
    expect(anyValue({ arrayValue: { values: [{ intValue: '1' }, { stringValue: 'a' }] } })).toEqual([1, 'a']);
    expect(anyValue({ kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } })).toEqual({ k: 1.5 });
    expect(anyValue(undefined)).toBeNull();
    expect(anyValue({})).toBeNull();
  });
});

describe('parseOtlpTraces', () => {
  it('takes id, model, tokens, cost, time and tag from a real-shaped payload and keeps the rest', () => {
    const { results, spanCount } = parseOtlpTraces(broadcastPayload);
    expect(spanCount).toBe(2);
    const [first, second] = results;
    expect(first).toMatchObject({
      ok: true,
      span: '0.0.0',
      record: {
        requestId: 'gen-1767225600-Fo6eODcuRTI4SOm6VCIQ',
        model: 'openai/gpt-4.1-2025-04-14',
        tokensIn: 50,
        tokensOut: 125,
        cost: 0.0015,
        tag: 'search',
        timestamp: new Date('2026-01-01T00:00:00.000Z'),
      },
    });
    expect(first?.ok && first.record.extra).toMatchObject({
      source: 'otlp',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanName: 'chat openai/gpt-4.1',
      attributes: { 'gen_ai.response.finish_reason': 'stop', 'user.id': 'user-123', 'gen_ai.usage.total_tokens': 175 },
      resource: { 'service.name': 'openrouter' },
    });
    expect(second).toEqual({ ok: false, span: '0.0.1', error: 'no generation id (gen-…) among the span attributes' });
  });

  it('falls back to the documented prompt/completion names and the request model', () => {
    const { results } = parseOtlpTraces({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  startTimeUnixNano: 1767225600000000000,
                  attributes: [
                    { key: 'openrouter.generation_id', value: { stringValue: 'gen-abc' } },
                    { key: 'gen_ai.request.model', value: { stringValue: 'openai/gpt-4.1' } },
                    { key: 'gen_ai.usage.prompt_tokens', value: { intValue: '10' } },
                    { key: 'gen_ai.usage.completion_tokens', value: { stringValue: '20' } },
                    { key: 'gen_ai.usage.total_cost', value: { stringValue: '0.5' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(results[0]).toMatchObject({
      ok: true,
      record: { requestId: 'gen-abc', model: 'openai/gpt-4.1', tokensIn: 10, tokensOut: 20, cost: 0.5, tag: null },
    });
  });

  it('finds an id under an undocumented *.id key, and treats cost and tokens as optional', () => {
    const { results } = parseOtlpTraces({
      resourceSpans: [
        {
          scopeSpans: [{ spans: [{ attributes: [{ key: 'vendor.request.id', value: { stringValue: 'gen-xyz' } }] }] }],
        },
      ],
    });
    expect(results[0]).toMatchObject({
      ok: true,
      record: { requestId: 'gen-xyz', cost: null, tokensIn: null, timestamp: null },
    });
  });

  it('gives nothing for the empty connection-test payload and throws on a non-object', () => {
    expect(parseOtlpTraces({})).toEqual({ results: [], spanCount: 0 });
    expect(parseOtlpTraces({ resourceSpans: [] })).toEqual({ results: [], spanCount: 0 });
    expect(() => parseOtlpTraces([])).toThrow(TypeError);
  });

  it('ignores negative or fractional token counts rather than failing the span', () => {
    const { results } = parseOtlpTraces({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  attributes: [
                    { key: 'gen_ai.response.id', value: { stringValue: 'gen-1' } },
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '-5' } },
                    { key: 'gen_ai.usage.output_tokens', value: { doubleValue: 1.5 } },
                  ],
                },
                'not a span',
              ],
            },
          ],
        },
      ],
    });
    expect(results[0]).toMatchObject({ ok: true, record: { tokensIn: null, tokensOut: null } });
    expect(results[1]).toEqual({ ok: false, span: '0.0.1', error: 'a span must be an object' });
  });
});
