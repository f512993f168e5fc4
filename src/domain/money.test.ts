import { describe, expect, it } from 'vitest';
import { formatChange, formatDays, formatPercent, formatTokens, formatUsd } from './money.js';

describe('formatUsd', () => {
  it.each([
    [74.5, '$74.50'],
    [1234.5, '$1,234.50'],
    [1, '$1.00'],
    [0.999999, '$1.00'],
    [0.001502, '$0.001502'],
    [0.0015, '$0.0015'],
    [0.5, '$0.50'],
    [0.1234567, '$0.1235'],
    [0.00000285, '$0.00000285'],
    [1e-9, '$0.000000001'],
    [0, '$0.00'],
    [-3.2, '−$3.20'],
    [-0.0042, '−$0.0042'],
    [775.944651377, '$775.94'],
    [1.005, '$1.01'],
    [999_999.995, '$1,000,000.00'],
    [0.999949, '$0.9999'],
    [0.99996, '$1.00'],
    [0.995, '$0.995'],
    [0.1, '$0.10'],
    [0.01, '$0.01'],
    [0.00015015, '$0.0001502'],
    [-0, '$0.00'],
    [-1234.567, '−$1,234.57'],
    [1_000_000, '$1,000,000.00'],
    [Number.NaN, '—'],
    [Number.POSITIVE_INFINITY, '—'],
  ])('%s → %s', (input, expected) => {
    expect(formatUsd(input)).toBe(expected);
  });
});

describe('formatTokens, formatPercent, formatChange, formatDays', () => {
  it('formats counts with separators', () => {
    expect(formatTokens(1234567)).toBe('1,234,567');
    expect(formatTokens(12.6)).toBe('13');
    expect(formatTokens(0)).toBe('0');
    expect(formatTokens(Number.NaN)).toBe('—');
  });
  it('formats percentages', () => {
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(1)).toBe('100.0%');
    expect(formatPercent(0.12345, 2)).toBe('12.35%');
    expect(formatPercent(Number.NaN)).toBe('—');
  });
  it('formats change against the previous period', () => {
    expect(formatChange(112.5, 100)).toBe('+12.5%');
    expect(formatChange(60, 100)).toBe('−40.0%');
    expect(formatChange(5, 0)).toBe('new');
    expect(formatChange(0, 0)).toBe('—');
    expect(formatChange(100, 100)).toBe('±0.0%');
    expect(formatChange(0, 50)).toBe('−100.0%');
    expect(formatChange(100.04, 100)).toBe('±0.0%');
    expect(formatChange(-5, 0)).toBe('—');
    expect(formatChange(Number.NaN, 1)).toBe('—');
  });
  it('formats runway days', () => {
    expect(formatDays(23.44)).toBe('23.4 days');
    expect(formatDays(1)).toBe('1.0 day');
    expect(formatDays(250.4)).toBe('250 days');
    expect(formatDays(null)).toBe('∞');
    expect(formatDays(0)).toBe('0.0 days');
    expect(formatDays(99.96)).toBe('100 days');
    expect(formatDays(Number.NaN)).toBe('—');
  });
});

describe('formatSignedUsd / formatUsdPrecise', () => {
  it('always shows the sign of a difference', async () => {
    const { formatSignedUsd } = await import('./money.js');
    expect(formatSignedUsd(3.2)).toBe('+$3.20');
    expect(formatSignedUsd(-0.015)).toBe('−$0.015');
    expect(formatSignedUsd(0)).toBe('$0.00');
  });
  it('keeps enough digits to see a small difference', async () => {
    const { formatUsdPrecise } = await import('./money.js');
    expect(formatUsdPrecise(0)).toBe('$0');
    expect(formatUsdPrecise(0.00015023)).toBe('$0.0001502');
    expect(formatUsdPrecise(0.12345)).toBe('$0.1235');
    expect(formatUsdPrecise(-1650)).toBe('−$1,650.00');
  });
});

describe('formatUtcMinute', () => {
  it('writes the UTC minute', async () => {
    const { formatUtcMinute } = await import('./time.js');
    expect(formatUtcMinute(new Date('2026-12-01T08:05:59.900Z'))).toBe('2026-12-01 08:05 UTC');
  });
});
