/**
 * The rules of test/support/test-count-reporter.ts (the reporter itself runs on every `vitest run`),
 * and that test/test-count.json holds a usable count.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCi, judgeRun, readMinimum } from './support/test-count-reporter.js';

const base = { full: true, ci: false, registered: 600, skipped: [] as string[], minimum: 600 };

describe('test-count reporter rules', () => {
  it('passes a full run at or above the recorded count', () => {
    expect(judgeRun(base)).toEqual([]);
    expect(judgeRun({ ...base, registered: 650 })).toEqual([]);
  });

  it('fails a full run that registers fewer tests than recorded, and says how to fix it deliberately', () => {
    const problems = judgeRun({ ...base, registered: 599 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('599 registered, 600 recorded');
    expect(problems[0]).toContain('test/test-count.json');
  });

  it('does not count partial runs (one file, a name filter)', () => {
    expect(judgeRun({ ...base, full: false, registered: 3 })).toEqual([]);
  });

  it('fails a full run when the recorded count is missing or unreadable', () => {
    expect(judgeRun({ ...base, minimum: undefined })[0]).toContain('minimum');
  });

  it('in CI any skipped test fails the run, named; outside CI skips are allowed', () => {
    const skipped = ['test/e2e/x.test.ts > y [postgres] (skipped: TEST_DATABASE_URL is not set)'];
    expect(judgeRun({ ...base, skipped })).toEqual([]);
    const problems = judgeRun({ ...base, ci: true, skipped, full: false });
    expect(problems[0]).toContain('1 were skipped');
    expect(problems[1]).toContain(skipped[0]);
  });

  it('reads CI the way CI providers set it', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '' })).toBe(false);
    expect(isCi({})).toBe(false);
  });

  it('reads a whole non-negative "minimum" and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'test-count-'));
    try {
      const file = join(dir, 'count.json');
      for (const [text, want] of [
        ['{"minimum": 12}', 12],
        ['{"minimum": "12"}', undefined],
        ['{"minimum": -1}', undefined],
        ['{"minimum": 1.5}', undefined],
        ['not json', undefined],
      ] as const) {
        writeFileSync(file, text);
        expect(readMinimum(file), text).toBe(want);
      }
      expect(readMinimum(join(dir, 'missing.json'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the repo records a count', () => {
    expect(readMinimum()).toBeGreaterThan(500);
  });
});
