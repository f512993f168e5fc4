import { describe, expect, it } from 'vitest';
import { MAX_INPUT_LENGTH, parseCommandText } from './grammar.js';
import { commands } from './index.js';

function parse(text: string) {
  return parseCommandText(text, commands);
}

function ok(text: string) {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.message}`);
  return { name: r.command.name, args: r.args };
}

function err(text: string) {
  const r = parse(text);
  if (r.ok) throw new Error(`expected ${text} to fail`);
  return r;
}

describe('parseCommandText', () => {
  it('empty text and "balance" are the balance', () => {
    expect(ok('')).toEqual({ name: 'balance', args: {} });
    expect(ok('   ')).toEqual({ name: 'balance', args: {} });
    expect(ok('BALANCE')).toEqual({ name: 'balance', args: {} });
  });

  it('a bare gen- id is a request lookup', () => {
    expect(ok('gen-1754553763-Fo6eODcuRTI4SOm6VCIQ')).toEqual({
      name: 'request',
      args: { id: 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ' },
    });
    expect(ok('request gen-abc')).toEqual({ name: 'request', args: { id: 'gen-abc' } });
  });

  it('usage takes a period and a grouping in any order', () => {
    expect(ok('usage')).toEqual({ name: 'usage', args: {} });
    expect(ok('usage 30d by key')).toEqual({ name: 'usage', args: { period: '30d', by: 'key' } });
    expect(ok('usage by provider last-month')).toEqual({
      name: 'usage',
      args: { period: 'last-month', by: 'provider' },
    });
    expect(ok('Usage WEEK')).toEqual({ name: 'usage', args: { period: 'week' } });
  });

  it('rejects a bad period with the right form', () => {
    const r = err('usage fortnight');
    expect(r.message).toContain('fortnight');
    expect(r.usage).toContain('usage [today|yesterday|7d|30d');
    expect(err('usage by team').message).toMatch(/team.*model, key, provider/);
    expect(err('usage 7d 30d').message).toContain('30d');
  });

  it('estimate takes a model and two token counts, with separators and k/M suffixes', () => {
    expect(ok('estimate openai/gpt-4.1 12000 800')).toEqual({
      name: 'estimate',
      args: { model: 'openai/gpt-4.1', tokens_in: 12000, tokens_out: 800 },
    });
    expect(ok('estimate openai/gpt-4.1 12,000 1.5k').args).toEqual({
      model: 'openai/gpt-4.1',
      tokens_in: 12000,
      tokens_out: 1500,
    });
  });

  it('rejects absurd and malformed numbers', () => {
    expect(err('estimate openai/gpt-4.1 -5 10').message).toMatch(/at least 0/);
    expect(err('estimate openai/gpt-4.1 99999999999999 10').message).toMatch(/at most 100,000,000/);
    expect(err('estimate openai/gpt-4.1 12.5 10').message).toMatch(/12\.5/);
    expect(err('estimate openai/gpt-4.1').message).toMatch(/Missing tokens_in/);
    expect(err('estimate openai/gpt-4.1 1e308 1').message).toBeTruthy();
  });

  it('explain takes the rest of the text verbatim', () => {
    const body = '{"error":{"code":402,"message":"Insufficient credits"}}';
    expect(ok(`explain ${body}`)).toEqual({ name: 'explain', args: { error: body } });
    expect(ok('explain 402')).toEqual({ name: 'explain', args: { error: '402' } });
    expect(err('explain').message).toMatch(/Missing error/);
  });

  it('an unknown command says so and suggests', () => {
    const r = err('balnce');
    expect(r.message).toContain('balnce');
    expect(r.message).toContain('balance');
    expect(err('frobnicate').message).toContain('help');
  });

  it('overlong text gets a short answer, not a crash', () => {
    const r = err(`usage ${'x'.repeat(5000)}`);
    expect(r.message).toMatch(/too long/);
    expect(r.message.length).toBeLessThan(200);
  });

  it('never echoes a pasted secret', () => {
    const r = err('frob sk-or-v1-0123456789abcdef0123456789abcdef');
    expect(r.message).not.toContain('0123456789abcdef0123456789abcdef');
    const r2 = err('usage sk-or-v1-0123456789abcdef0123456789abcdef');
    expect(r2.message).not.toContain('0123456789abcdef0123456789abcdef');
  });
});

describe('parser fuzz', () => {
  function prng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const ALPHABET = [
    ' ',
    'a',
    'z',
    '0',
    '9',
    '-',
    '/',
    ':',
    '$',
    ',',
    '.',
    '"',
    "'",
    '{',
    '}',
    '<',
    '>',
    '@',
    '!',
    '\n',
    '\t',
    '\u0000',
    '🙂',
    'é',
    '\u202e',
    'gen-',
    'usage',
    'by',
    'key',
    '7d',
    'estimate',
    'k',
    'M',
    'explain',
    'digest',
    'alert',
    'sk-or-v1-',
  ];

  it('survives 5,000 random and adversarial inputs without throwing', () => {
    const rand = prng(42);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rand() * (i % 100 === 0 ? 6000 : 40));
      let text = '';
      for (let j = 0; j < len; j++) text += ALPHABET[Math.floor(rand() * ALPHABET.length)];
      const r = parseCommandText(text, commands);
      if (r.ok) parsed++;
      else {
        expect(typeof r.message).toBe('string');
        expect(r.message.length).toBeLessThan(MAX_INPUT_LENGTH);
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });
});
