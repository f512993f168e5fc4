import { describe, expect, it } from 'vitest';
import { pollGeneration } from './poll-generation.js';
import type { Generation } from './types.js';

const gen = { id: 'gen-1', totalCost: 0.01 } as Generation;

describe('pollGeneration', () => {
  it('polls through 404s with the given delays', async () => {
    const answers: (Generation | null)[] = [null, null, null, gen];
    const slept: number[] = [];
    const client = { getGeneration: async () => answers.shift() ?? null };
    const g = await pollGeneration(client, 'gen-1', { sleep: async (ms) => void slept.push(ms) });
    expect(g).toBe(gen);
    expect(slept).toEqual([500, 1000, 2000]);
  });

  it('gives up with null after the last delay (about a minute by default)', async () => {
    const slept: number[] = [];
    const g = await pollGeneration({ getGeneration: async () => null }, 'gen-1', {
      sleep: async (ms) => void slept.push(ms),
    });
    expect(g).toBeNull();
    expect(slept.reduce((a, b) => a + b, 0)).toBe(60_500);
  });

  it('stops when aborted and rethrows other errors', async () => {
    const controller = new AbortController();
    const p = pollGeneration({ getGeneration: async () => null }, 'gen-1', {
      signal: controller.signal,
      sleep: async () => controller.abort(new Error('stop')),
    });
    await expect(p).rejects.toThrow('stop');
    const failing = {
      getGeneration: async () => {
        throw new Error('boom');
      },
    };
    await expect(pollGeneration(failing, 'gen-1', { sleep: async () => {} })).rejects.toThrow('boom');
  });
});
