import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changeSince, readPreviousRun } from '../bench/lib/previous.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-prev-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (item: string, name: string, value: number, unit = 'ms') => ({ item, name, value, unit });

describe('bench: the change since the previous run', () => {
  const previous = {
    startedAt: '2026-11-26T10:00:00Z',
    quick: false,
    results: [row('1', 'ack p99', 200), row('6', 'rss', 500, 'MB'), row('7', 'zero', 0)],
  };

  it('compares the same item, name and unit, with the sign and one decimal under 10 %', () => {
    expect(changeSince(row('1', 'ack p99', 150), previous)).toBe('−25 %');
    expect(changeSince(row('1', 'ack p99', 209), previous)).toBe('+4.5 %');
    expect(changeSince(row('1', 'ack p99', 200), previous)).toBe('=');
    expect(changeSince(row('6', 'rss', 250, 'MB'), previous)).toBe('−50 %');
  });

  it('says nothing for a new figure, another unit, a previous 0 or no previous run', () => {
    expect(changeSince(row('1', 'ack p50', 100), previous)).toBe('');
    expect(changeSince(row('6', 'rss', 250, 'KB'), previous)).toBe('');
    expect(changeSince(row('7', 'zero', 3), previous)).toBe('');
    expect(changeSince(row('1', 'ack p99', 150), undefined)).toBe('');
  });

  it('reads a results.json, skipping malformed rows, and tolerates a missing or broken file', () => {
    const path = join(dir, 'results.json');
    writeFileSync(path, JSON.stringify({ ...previous, results: [...previous.results, { item: 1 }, null] }));
    expect(readPreviousRun(path)?.results).toHaveLength(3);
    expect(readPreviousRun(join(dir, 'missing.json'))).toBeUndefined();
    writeFileSync(path, '{ not json');
    expect(readPreviousRun(path)).toBeUndefined();
  });
});
