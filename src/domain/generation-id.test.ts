import { describe, expect, it } from 'vitest';
import { findGenerationIds, isGenerationId, validateGenerationId } from './generation-id.js';

const REAL = 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ';

describe('generation ids', () => {
  it('accepts the current and the older form', () => {
    expect(isGenerationId(REAL)).toBe(true);
    expect(isGenerationId('gen-3bhGkxlo4XFrqiabUM7NDtwDzWwG')).toBe(true);
    expect(validateGenerationId(` ${REAL} `)).toEqual({ ok: true, id: REAL });
  });

  it('explains what is wrong with a bad id without echoing it whole', () => {
    const script = validateGenerationId('gen-<script>alert(1)</script>');
    expect(script.ok).toBe(false);
    if (!script.ok) {
      expect(script.reason).toMatch(/letters, digits and dashes/);
      expect(script.reason).not.toContain('<script>');
    }
    const long = validateGenerationId(`gen-${'a'.repeat(500)}`);
    expect(long.ok === false && long.reason).toMatch(/too long \(504 characters/);
    const noPrefix = validateGenerationId('chatcmpl-123');
    expect(noPrefix.ok === false && noPrefix.reason).toMatch(/start with gen-/);
  });

  it('finds ids standing as words in chat text, de-duplicated and capped', () => {
    const text = `cost of ${REAL}? also <${REAL}> and \`gen-1789528670-69G3NWBcgFD1qVNA4n0h\`, gen-aaaa1 gen-bbbb2`;
    expect(findGenerationIds(text)).toEqual([REAL, 'gen-1789528670-69G3NWBcgFD1qVNA4n0h', 'gen-aaaa1']);
    expect(findGenerationIds(text, 10)).toHaveLength(4);
    expect(findGenerationIds('regen-1234567 and xgen-12345')).toEqual([]);
    expect(findGenerationIds('nothing here')).toEqual([]);
  });

  it('handles 100 KB of adversarial text (the test timeout guards against backtracking)', () => {
    const text = `${'gen-'.repeat(30_000)}${'gen-a-'.repeat(10_000)}`;
    expect(findGenerationIds(text)).toEqual([]);
  });
});
