import { describe, expect, it } from 'vitest';
import { buildDigest, windowLabel } from './build-digest.js';
import { addDays, computeDigestFigures, type DayModelRow, daysOf } from './figures.js';

const WINDOW = { from: '2026-11-16', to: '2026-11-23' };
const NOW = new Date('2026-11-23T09:00:00Z');

function row(date: string, model: string, usd: number): DayModelRow {
  return { date, model, usd, requests: 10, promptTokens: 1000, completionTokens: 100, reasoningTokens: 0 };
}

/** Previous week: A $10/day, B $2/day. This week: A $12/day with $40 on the 19th, B $5/day, C new from the 20th. */
function rows(): DayModelRow[] {
  const out: DayModelRow[] = [];
  for (const d of daysOf({ from: '2026-11-09', to: '2026-11-16' })) out.push(row(d, 'a/a', 10), row(d, 'b/b', 2));
  for (const d of daysOf(WINDOW)) {
    out.push(row(d, 'a/a', d === '2026-11-19' ? 40 : 12), row(d, 'b/b', 5));
    if (d >= '2026-11-20') out.push(row(d, 'c/new', 3));
  }
  return out;
}

const inputs = () => ({
  window: WINDOW,
  rows: rows(),
  firstSeen: new Map([
    ['a/a', '2026-10-01'],
    ['b/b', '2026-10-01'],
    ['c/new', '2026-11-20'],
  ]),
  keys: [
    { name: 'prod', usd: 150, previousUsd: 80 },
    { name: 'idle', usd: 0, previousUsd: 0 },
    { name: 'dev', usd: 6, previousUsd: 4 },
  ],
  balance: { usd: 100, asOf: new Date('2026-11-23T08:55:00Z') },
  expirations: new Map([
    ['b/b', '2026-12-10'],
    ['a/a', '2027-06-01'],
    ['z/unused', '2026-11-30'],
  ]),
  now: NOW,
});

describe('computeDigestFigures', () => {
  it('computes totals, change, burn rate and runway', () => {
    const f = computeDigestFigures(inputs());
    expect(f.days).toEqual(daysOf(WINDOW));
    expect(f.previousWindow).toEqual({ from: '2026-11-09', to: '2026-11-16' });
    expect(f.total).toBe(156);
    expect(f.previousTotal).toBe(84);
    expect(f.changeUsd).toBe(72);
    expect(f.changeRatio).toBeCloseTo(72 / 84, 10);
    expect(f.burnPerDay).toBeCloseTo(156 / 7, 10);
    expect(f.runwayDays).toBeCloseTo(100 / (156 / 7), 10);
    expect(f.runOutDate?.toISOString().slice(0, 10)).toBe('2026-11-27');
    expect(f.requests).toBe(7 * 20 + 3 * 10);
    expect(f.tokens).toEqual({ prompt: 17 * 1000, completion: 17 * 100, reasoning: 0 });
    expect(f.empty).toBe(false);
  });

  it('ranks models with their change, finds new and more-than-doubled ones, spike days and expiring models', () => {
    const f = computeDigestFigures(inputs());
    expect(f.topModels.map((m) => [m.model, m.usd, m.previousUsd])).toEqual([
      ['a/a', 112, 70],
      ['b/b', 35, 14],
      ['c/new', 9, 0],
    ]);
    expect(f.topModels[0]?.change).toBeCloseTo(0.6, 10);
    expect(f.topModels[2]?.change).toBeNull();
    expect(f.newModels).toEqual(['c/new']);
    expect(f.doubledModels.map((m) => m.model)).toEqual(['b/b']);
    expect(f.spikeDays).toHaveLength(1);
    expect(f.spikeDays[0]?.date).toBe('2026-11-19');
    expect(f.spikeDays[0]?.usd).toBe(45);
    expect(f.spikeDays[0]?.trailingAverage).toBeCloseTo(99 / 7, 10);
    expect(f.expiring).toEqual([{ model: 'b/b', expirationDate: '2026-12-10', daysLeft: 17 }]);
    expect(f.keys?.map((k) => k.name)).toEqual(['prod', 'dev']);
    expect(f.tags).toBeNull();
  });

  it('marks a week without spend as empty', () => {
    const f = computeDigestFigures({ window: WINDOW, rows: rows().filter((r) => r.date < WINDOW.from), now: NOW });
    expect(f.empty).toBe(true);
    expect(f.total).toBe(0);
    expect(f.runwayDays).toBeNull();
  });

  it('works across the turn of the year', () => {
    const w = { from: '2026-12-28', to: '2027-01-04' };
    expect(daysOf(w)).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    const f = computeDigestFigures({
      window: w,
      rows: [row('2026-12-31', 'm', 1), row('2027-01-01', 'm', 2)],
      now: new Date('2027-01-04T09:00:00Z'),
    });
    expect(f.total).toBe(3);
    expect(f.previousWindow).toEqual({ from: '2026-12-21', to: '2026-12-28' });
    expect(windowLabel(w)).toBe('28 Dec 2026 – 3 Jan 2027');
  });
});

describe('buildDigest', () => {
  it('states the window, the figures and the findings in a public reply', () => {
    const f = computeDigestFigures({ ...inputs(), tags: [{ tag: 'search', usd: 12.5, requests: 1234 }] });
    const r = buildDigest(f, { missedWindows: 2 });
    expect(r.visibility).toBe('public');
    expect(r.title).toBe('Weekly OpenRouter spend, 16–22 Nov 2026');
    expect(r.tone).toBe('danger');
    expect(r.summary).toBe('Spent $156.00 (+85.7% vs previous week), balance $100.00, about 4.5 days of runway');
    expect(r.fields?.find((x) => x.label === 'vs previous week')?.value).toBe('+$72.00 (+85.7%) vs $84.00');
    expect(r.fields?.find((x) => x.label === 'Runway')?.value).toBe('4.5 days → runs out 2026-11-27');
    expect(r.fields?.find((x) => x.label === 'Requests and tokens')?.value).toBe(
      '170 requests · 17,000 in · 1,700 out',
    );
    const [models, keys, tags] = r.tables ?? [];
    expect(models?.rows[0]).toEqual(['a/a', '$112.00', '72%', '+60.0%']);
    expect(models?.rows[2]).toEqual(['c/new', '$9.00', '6%', 'new']);
    expect(keys?.rows).toEqual([
      ['prod', '$150.00', '+87.5%'],
      ['dev', '$6.00', '+50.0%'],
    ]);
    expect(tags?.rows).toEqual([['search', '$12.50', '1,234']]);
    const text = (r.notes ?? []).join('\n');
    expect(text).toContain('the previous 2 digests were due; they were missed');
    expect(text).toContain('New this week: c/new.');
    expect(text).toContain('More than doubled: b/b ($14.00 → $35.00).');
    expect(text).toContain('Spike on 2026-11-19: $45.00, 3.2× the trailing 7-day average ($14.14/day).');
    expect(text).toContain('b/b expires on 2026-12-10 (in 17 days)');
    expect(text).toContain('Window: UTC days 2026-11-16 to 2026-11-22, compared with 2026-11-09 to 2026-11-15.');
    expect(r.image).toBeUndefined();
  });

  it('says when spend by key needs a management key', () => {
    const f = computeDigestFigures({ ...inputs(), keys: null });
    expect(buildDigest(f).notes).toContain('Spend by key needs a management key (OPENROUTER_MANAGEMENT_KEY).');
  });
});
