import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWorkGate } from './work-gate.js';

/** A piece of work the test finishes by hand. */
function deferred() {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('work gate', () => {
  it('runs at most `concurrency` at once, the rest in arrival order', async () => {
    const gate = createWorkGate({ concurrency: 2, leaseMs: 60_000 });
    const started: number[] = [];
    const work = Array.from({ length: 5 }, () => deferred());
    const runs = work.map((w, i) =>
      gate.run(async () => {
        started.push(i);
        await w.done;
        return i;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1]);
    expect(gate.active).toBe(2);
    expect(gate.waiting).toBe(3);
    work[1]?.finish();
    await flush();
    expect(started).toEqual([0, 1, 2]);
    work[0]?.finish();
    work[2]?.finish();
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    work[3]?.finish();
    work[4]?.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(gate.active).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('frees the slot of work that fails, and passes the failure on', async () => {
    const gate = createWorkGate({ concurrency: 1, leaseMs: 60_000 });
    const first = gate.run(async () => {
      throw new Error('boom');
    });
    const second = gate.run(async () => 'ok');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('ok');
    expect(gate.active).toBe(0);
  });

  it('work that outlives its lease gives its slot to the next in line and still finishes', async () => {
    vi.useFakeTimers();
    const gate = createWorkGate({ concurrency: 1, leaseMs: 250 });
    const slow = deferred();
    const started: string[] = [];
    const a = gate.run(async () => {
      started.push('slow');
      await slow.done;
      return 'slow';
    });
    const b = gate.run(async () => {
      started.push('next');
      return 'next';
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(started).toEqual(['slow']);
    await vi.advanceTimersByTimeAsync(1);
    expect(await b).toBe('next');
    expect(started).toEqual(['slow', 'next']);
    // The slow work is outside the gate now; finishing it frees nothing twice.
    slow.finish();
    expect(await a).toBe('slow');
    expect(gate.active).toBe(0);
    const c = gate.run(async () => 'c');
    const d = gate.run(async () => 'd');
    expect(gate.active).toBe(1);
    expect(await Promise.all([c, d])).toEqual(['c', 'd']);
    expect(gate.active).toBe(0);
  });

  it('a burst behind work that hangs (OpenRouter down) moves on one lease at a time, not one timeout at a time', async () => {
    vi.useFakeTimers();
    const gate = createWorkGate({ concurrency: 4, leaseMs: 250 });
    const hung = deferred();
    let answered = 0;
    const burst = Array.from({ length: 40 }, () =>
      gate.run(async () => {
        await hung.done; // every command waits on the same upstream call
        answered += 1;
      }),
    );
    // 40 commands, 4 at once and 4 more per lease: all of them are running (waiting on the upstream) after 9 leases.
    await vi.advanceTimersByTimeAsync(2_000);
    expect(gate.waiting).toBe(4);
    await vi.advanceTimersByTimeAsync(250);
    expect(gate.waiting).toBe(0);
    expect(answered).toBe(0);
    hung.finish();
    await Promise.all(burst);
    expect(answered).toBe(40);
    expect(gate.active).toBe(0);
  });
});
