import { describe, expect, it } from 'vitest';
import { findGenerationIds, GEN_ID_PATTERN, isGenerationId, validateGenerationId } from './generation-id.js';

const REAL = 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ';
const OLD = 'gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG';
const OTHER = 'gen-1789528670-69G3NWBcgFD1qVNA4n0h';

const reason = (input: string) => {
  const r = validateGenerationId(input);
  return r.ok ? null : r.reason;
};

describe('isGenerationId', () => {
  it('accepts the current and the older form, and any gen-<letters, digits, dashes>', () => {
    expect(isGenerationId(REAL)).toBe(true);
    expect(isGenerationId(OLD)).toBe(true);
    expect(isGenerationId('gen-sim-match')).toBe(true);
    expect(isGenerationId('gen-1')).toBe(true);
    expect(GEN_ID_PATTERN.test('gen-')).toBe(false);
  });
  it('rejects other prefixes, other characters and overlong ids', () => {
    expect(isGenerationId('chatcmpl-123')).toBe(false);
    expect(isGenerationId('gen-abc_def')).toBe(false);
    expect(isGenerationId(`gen-${'a'.repeat(60)}`)).toBe(true);
    expect(isGenerationId(`gen-${'a'.repeat(61)}`)).toBe(false);
    expect(isGenerationId(` ${REAL}`)).toBe(false);
  });
});

describe('validateGenerationId', () => {
  it('accepts ids as users type them', () => {
    expect(validateGenerationId(` ${REAL} `)).toEqual({ ok: true, id: REAL });
    expect(validateGenerationId(`\`${REAL}\``)).toEqual({ ok: true, id: REAL });
    expect(validateGenerationId(`<${REAL}>`)).toEqual({ ok: true, id: REAL });
    expect(validateGenerationId(`"${REAL}"?`)).toEqual({ ok: true, id: REAL });
    expect(validateGenerationId(`GEN-${REAL.slice(4)}`)).toEqual({ ok: true, id: REAL });
    expect(validateGenerationId('gen-sim-match')).toEqual({ ok: true, id: 'gen-sim-match' });
  });

  it('says what is wrong: missing prefix, too long, bad characters, nothing given', () => {
    expect(reason('chatcmpl-123')).toMatch(/"chatcmpl-123" is not a request id: they start with gen-/);
    expect(reason(`gen-${'a'.repeat(500)}`)).toMatch(/too long \(504 characters; at most 64/);
    expect(reason('gen-<script>alert(1)</script>')).toMatch(/only letters, digits and dashes/);
    expect(reason('gen-abc def')).toMatch(/only letters, digits and dashes/);
    expect(reason('')).toMatch(/No request id given/);
    expect(reason('``')).toMatch(/No request id given/);
    expect(reason('gen-')).toMatch(/missing after gen-/);
  });

  it('never echoes more than 40 characters of the input, nor markup', () => {
    const script = reason('gen-<script>alert(1)</script>');
    expect(script).not.toContain('<script>');
    expect(script).toContain('"gen-?script?alert?1??/script"');
    const secret = `sk-or-v1-${'9f8e7d6c5b4a3928'.repeat(4)}`;
    const r = reason(secret) ?? '';
    expect(r).toContain(`"${secret.slice(0, 40)}…"`);
    expect(r).not.toContain(secret.slice(0, 41));
    expect(reason(`gen-${'x'.repeat(70)}`)).not.toContain('xxxxxxxxxx');
  });
});

describe('findGenerationIds', () => {
  it('finds ids standing as words in chat text, in order, de-duplicated and capped', () => {
    const text = `cost of ${REAL}? also <${REAL}> and \`${OTHER}\`, (${OLD}) gen-1754553999-AbCdEfGhIjKlMnOpQrSt`;
    expect(findGenerationIds(text)).toEqual([REAL, OTHER, OLD]);
    expect(findGenerationIds(text, 10)).toHaveLength(4);
    expect(findGenerationIds(text, 1)).toEqual([REAL]);
    expect(findGenerationIds(text, 0)).toEqual([]);
  });

  it('finds ids in Slack links and at the edges of the text', () => {
    expect(findGenerationIds(`<https://openrouter.ai/x|${REAL}>`)).toEqual([REAL]);
    expect(findGenerationIds(REAL)).toEqual([REAL]);
    expect(findGenerationIds(`${REAL}.`)).toEqual([REAL]);
    expect(findGenerationIds(`id:${REAL}\n`)).toEqual([REAL]);
  });

  it('ignores words glued to other text, chatter and overlong runs', () => {
    expect(findGenerationIds('regen-1234567890abc and xgen-1234567890abc and gen-1234567890abc_x')).toEqual([]);
    expect(findGenerationIds('we ship gen-ai-powered gen-z features, gen-ai-generated-2024')).toEqual([]);
    expect(findGenerationIds(`${REAL}${'a'.repeat(40)}`)).toEqual([]);
    expect(findGenerationIds(`${REAL}-`)).toEqual([]);
    expect(findGenerationIds('nothing here')).toEqual([]);
  });

  it('does not take an id cut off by the 100,000-character scan limit', () => {
    const pad = ' '.repeat(100_000 - 20);
    expect(findGenerationIds(`${pad}${REAL}`)).toEqual([]);
    expect(findGenerationIds(`${REAL} ${pad}`)).toEqual([REAL]);
  });

  it('handles 100 KB of adversarial text in linear time', () => {
    const inputs = [
      `${'gen-'.repeat(30_000)}${'gen-a-'.repeat(10_000)}`,
      ` gen-${'1a-'.repeat(40_000)}`,
      ` ${'gen-1234567890 '.repeat(7_000)}`,
      `${' gen-'.repeat(5_000)}${'a'.repeat(75_000)}`,
    ];
    const started = performance.now();
    for (const text of inputs) findGenerationIds(text, 1000);
    expect(performance.now() - started).toBeLessThan(500);
    expect(findGenerationIds(inputs[2] ?? '', 1000)).toEqual(['gen-1234567890']);
  });
});
