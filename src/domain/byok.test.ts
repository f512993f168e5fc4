import { describe, expect, it } from 'vitest';
import { byokMonthFee, byokNote } from './byok.js';

describe('byokNote', () => {
  it('says nothing without BYOK use', () => {
    expect(byokNote(0)).toBeUndefined();
    expect(byokNote(Number.NaN)).toBeUndefined();
  });

  it('names the BYOK spend, the 5 % fee and its monthly allowance', () => {
    const note = byokNote(17.38);
    expect(note).toContain('BYOK: $17.38 billed by your own provider keys (not from your credits)');
    expect(note).toContain('5 % BYOK fee on it ($0.869)');
    expect(note).toContain('only beyond $25,000.00 of BYOK use in a month');
  });
});

describe('byokMonthFee', () => {
  it('is 5 % of the month’s BYOK volume beyond $25,000', () => {
    expect(byokMonthFee(17.38)).toBe(0);
    expect(byokMonthFee(25_000)).toBe(0);
    expect(byokMonthFee(27_000)).toBeCloseTo(100, 9);
  });
});
