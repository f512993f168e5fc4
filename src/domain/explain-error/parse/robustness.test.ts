import { describe, expect, it } from 'vitest';
import {
  FREE_DAILY_429,
  MID_STREAM_CHUNK,
  NESTED_402,
  NO_AUTH_401,
  PY_REPR_402,
} from '../../../../test/fixtures/openrouter-errors.js';
import { explainError, parseErrorInput } from '../index.js';

const FETCHED = new Date('2026-03-10T12:00:00Z'); // a Tuesday

/** mulberry32: a fixed-seed PRNG so the fuzz inputs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseErrorInput: hygiene and robustness', () => {
  it('masks secrets and caps the message at 500 characters', () => {
    const key = 'sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const p = parseErrorInput(
      JSON.stringify({ error: { code: 401, message: `Key ${key} rejected ${'x'.repeat(2000)}` } }),
    );
    expect(p.message).not.toContain('0123456789abcdef0123');
    expect(p.message).toContain('…cdef');
    expect(p.message?.length).toBeLessThanOrEqual(500);
    const q = parseErrorInput(`User not found. Authorization: Bearer ${key}`);
    expect(q.message).not.toContain(key);
  });

  it('masks secrets inside metadata', () => {
    const p = parseErrorInput(
      JSON.stringify({
        error: { code: 400, message: 'bad', metadata: { raw: 'sk-or-v1-aaaaaaaaaaaaaaaaaaaaaaaaaaaa1234' } },
      }),
    );
    expect(p.metadata?.raw).toBe('…1234');
  });

  it('handles empty, whitespace and garbage', () => {
    expect(parseErrorInput('')).toEqual({ midStream: false, signals: [] });
    expect(parseErrorInput('   \n\t ')).toEqual({ midStream: false, signals: [] });
    const garbage = "qwe{{{]]]}}}\"''\\".repeat(400).slice(0, 5000);
    expect(garbage.length).toBe(5000);
    const p = parseErrorInput(garbage);
    expect(p.signals).toEqual([]);
    expect(p.status).toBeUndefined();
  });

  it('handles binary input', () => {
    const bin = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    expect(() => parseErrorInput(bin)).not.toThrow();
    const p = parseErrorInput(`\u0000\u0001${NO_AUTH_401}\u0007`);
    expect(p.status).toBe(401);
    expect(p.signals).toContain('no-auth');
  });

  it('handles 100 KB and deeply nested JSON quickly', () => {
    const big = `${'x'.repeat(50_000)}${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deep = `${'{"a":'.repeat(50_000)}{"error":{"code":402,"message":"deep"}}${'}'.repeat(50_000)}`;
    const braces = '{'.repeat(100_000);
    const t0 = performance.now();
    for (const input of [big, deep, braces, '['.repeat(100_000), `{"error":"${'a'.repeat(100_000)}"}`]) {
      expect(() => parseErrorInput(input)).not.toThrow();
    }
    expect(performance.now() - t0).toBeLessThan(3_000);
  });

  it('does bounded work on regex-hostile inputs (no quadratic blow-up)', () => {
    const n = 100_000;
    const hostile = [
      'generation '.repeat(n / 11),
      '1,'.repeat(n / 2),
      '1'.repeat(n),
      `http${' '.repeat(n)}`,
      `status${' '.repeat(200)}`.repeat(n / 206),
      'data: {"error"\n'.repeat(n / 15),
      `{'a': '${'x'.repeat(n)}'`,
      '{"a":1}'.repeat(n / 7),
    ];
    for (const input of hostile) {
      const t0 = performance.now();
      parseErrorInput(input);
      expect(performance.now() - t0).toBeLessThan(1_000);
    }
  });

  it('never throws on 1,000 random strings from a fixed-seed PRNG', () => {
    const rand = prng(20260701);
    const alphabet =
      '{}[]":,\'\\ 0123456789abcdefxyz.-_\n\tdata:error code message 402 429 gen-…TrueNone\u0000\u00ff\ud800';
    const pieces = [MID_STREAM_CHUNK, PY_REPR_402, NESTED_402, FREE_DAILY_429, 'HTTP/1.1 ', 'can only afford '];
    for (let i = 0; i < 1_000; i++) {
      const len = Math.floor(rand() * 400);
      let s = '';
      for (let j = 0; j < len; j++) {
        if (rand() < 0.02) {
          const piece = pieces[Math.floor(rand() * pieces.length)] as string;
          s += piece.slice(0, Math.floor(rand() * piece.length));
        } else s += alphabet[Math.floor(rand() * alphabet.length)];
      }
      const p = parseErrorInput(s);
      expect(Array.isArray(p.signals)).toBe(true);
      expect(() =>
        explainError(p, { balance: rand() * 2 - 1, keyLimitRemaining: null, fetchedAt: FETCHED }),
      ).not.toThrow();
    }
  });

  it('survives non-string input at runtime', () => {
    expect(() => parseErrorInput(undefined as unknown as string)).not.toThrow();
    expect(() => parseErrorInput(402 as unknown as string)).not.toThrow();
  });
});
