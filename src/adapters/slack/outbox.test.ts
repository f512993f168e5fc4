import { describe, expect, it } from 'vitest';
import { createDedupe } from './dedupe.js';
import { createOutbox } from './outbox.js';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

const rateLimited = (retryAfter: number) =>
  Object.assign(new Error('429'), { code: 'slack_webapi_rate_limited_error', retryAfter });

describe('outbox', () => {
  it('spaces new messages in one channel by the interval, but not across channels', async () => {
    const c = clock();
    const outbox = createOutbox({ intervalMs: 1000, now: c.now, sleep: c.sleep });
    const at: string[] = [];
    await Promise.all([
      outbox.send('C1', 'new', async () => at.push(`C1@${c.now()}`)),
      outbox.send('C1', 'new', async () => at.push(`C1@${c.now()}`)),
      outbox.send('C2', 'new', async () => at.push(`C2@${c.now()}`)),
      outbox.send('C1', 'edit', async () => at.push(`C1-edit@${c.now()}`)),
    ]);
    expect(at).toContain('C1@0');
    expect(at).toContain('C1@1000');
    expect(at.filter((a) => a.startsWith('C2'))).toHaveLength(1);
    // the edit keeps its place in the queue, without an extra wait
    expect(at.indexOf('C1-edit@1000')).toBeGreaterThan(at.indexOf('C1@1000'));
  });

  it('retries a 429 after Retry-After, then gives up after the limit', async () => {
    const c = clock();
    const outbox = createOutbox({ intervalMs: 0, now: c.now, sleep: c.sleep, maxRateLimitRetries: 2 });
    let calls = 0;
    const ok = await outbox.send('C1', 'new', async () => {
      calls += 1;
      if (calls === 1) throw rateLimited(3);
      return 'posted';
    });
    expect(ok).toBe('posted');
    expect(c.sleeps).toContain(3000);
    await expect(
      outbox.send('C1', 'new', async () => {
        throw rateLimited(1);
      }),
    ).rejects.toThrow('429');
  });

  it('does not retry other errors, and a failure does not block the channel', async () => {
    const outbox = createOutbox({ intervalMs: 0 });
    await expect(
      outbox.send('C1', 'new', async () => {
        throw new Error('channel_not_found');
      }),
    ).rejects.toThrow('channel_not_found');
    await expect(outbox.send('C1', 'new', async () => 'next')).resolves.toBe('next');
    await outbox.idle();
  });
});

describe('dedupe', () => {
  it('answers true once per key, locally and through the store', async () => {
    const claimed = new Set<string>();
    const markProcessed = async (key: string) => {
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    };
    const a = createDedupe({ markProcessed });
    const b = createDedupe({ markProcessed }); // another replica
    expect(await a.firstTime('Ev1')).toBe(true);
    expect(await a.firstTime('Ev1')).toBe(false);
    expect(await b.firstTime('Ev1')).toBe(false);
  });

  it('falls back to memory when the store fails', async () => {
    const d = createDedupe({
      markProcessed: async () => {
        throw new Error('store down');
      },
    });
    expect(await d.firstTime('Ev2')).toBe(true);
    expect(await d.firstTime('Ev2')).toBe(false);
  });
});
