import { describe, expect, it } from 'vitest';
import {
  type AlertMetrics,
  type AlertRuleState,
  clearLevel,
  evaluateAlert,
  parseAlertThreshold,
} from './alert-rules.js';

const now = new Date('2026-11-26T10:00:00Z');
const none: AlertMetrics = { balance: null, runwayDays: null, lastDaySpend: null, trailingAvg: null };
const rule = (kind: AlertRuleState['kind'], threshold: number, state: AlertRuleState['state'] = 'armed') => ({
  kind,
  threshold,
  state,
  snoozedUntil: null,
});
const balance = (usd: number | null): AlertMetrics => ({ ...none, balance: usd });
const runwayOf = (days: number | null): AlertMetrics => ({ ...none, runwayDays: days });
const spend = (day: string, usd: number, avg: number | null): AlertMetrics => ({
  ...none,
  lastDaySpend: usd,
  trailingAvg: avg,
  day,
});

/** Runs a sequence of readings through the state machine, applying fire/clear, and lists the actions. */
function replay(start: AlertRuleState, readings: AlertMetrics[], at = now): string[] {
  let r = start;
  return readings.map((m) => {
    const { action } = evaluateAlert(r, m, at);
    if (action === 'fire') r = { ...r, state: 'fired', firedDay: m.day ?? null };
    if (action === 'clear') r = { ...r, state: 'armed', firedDay: null };
    return action;
  });
}

describe('below', () => {
  it('fires once on crossing, with the value and a message', () => {
    expect(evaluateAlert(rule('below', 50), balance(60), now)).toEqual({
      action: 'none',
      value: 60,
      message: 'Balance $60.00 is not below $50.00.',
    });
    expect(evaluateAlert(rule('below', 50), balance(49.99), now)).toEqual({
      action: 'fire',
      value: 49.99,
      message: 'Balance $49.99 is below your $50.00 alert.',
    });
    expect(evaluateAlert(rule('below', 50), balance(50), now).action).toBe('none'); // at the threshold is not under
    expect(evaluateAlert(rule('below', 50, 'fired'), balance(40), now).action).toBe('none');
  });

  it('does not flap while the balance bounces inside the hysteresis band, then re-arms and fires again', () => {
    // threshold 50: re-arms at max(52.50, 51.00) = 52.50
    expect(clearLevel('below', 50)).toBe(52.5);
    expect(replay(rule('below', 50), [60, 49, 51, 49.5, 52.49, 48, 52.5, 55, 49].map(balance))).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'none',
      'none',
      'clear',
      'none',
      'fire',
    ]);
  });

  it('uses $1 of hysteresis for small thresholds', () => {
    expect(clearLevel('below', 5)).toBe(6);
    expect(evaluateAlert(rule('below', 5, 'fired'), balance(5.9), now).action).toBe('none');
    const cleared = evaluateAlert(rule('below', 5, 'fired'), balance(6), now);
    expect(cleared.action).toBe('clear');
    expect(cleared.message).toBe('Balance is back to $6.00: the below-$5.00 alert is armed again.');
  });

  it('a negative balance is below any threshold', () => {
    expect(evaluateAlert(rule('below', 1), balance(-3.2), now).message).toBe(
      'Balance −$3.20 is below your $1.00 alert.',
    );
  });
});

describe('runway', () => {
  it('fires under the threshold and re-arms at threshold + max(1 day, 10 %)', () => {
    expect(clearLevel('runway', 5)).toBe(6);
    expect(clearLevel('runway', 30)).toBe(33);
    expect(replay(rule('runway', 14), [20, 13, 14.5, 15.39, 15.4, 13.9].map(runwayOf))).toEqual([
      'none',
      'fire',
      'none',
      'none',
      'clear',
      'fire',
    ]);
    expect(evaluateAlert(rule('runway', 14), runwayOf(13), now).message).toBe(
      'Runway 13.0 days is under your 14.0 days alert.',
    );
  });

  it('takes Infinity as no burn: never fires, and clears a fired rule', () => {
    expect(evaluateAlert(rule('runway', 14), runwayOf(Number.POSITIVE_INFINITY), now).action).toBe('none');
    const r = evaluateAlert(rule('runway', 14, 'fired'), runwayOf(Number.POSITIVE_INFINITY), now);
    expect(r.action).toBe('clear');
    expect(r.message).toMatch(/unlimited/);
  });

  it('fires at zero runway', () => {
    expect(evaluateAlert(rule('runway', 3), runwayOf(0), now).action).toBe('fire');
  });
});

describe('spike', () => {
  it('fires when the day is over factor × the trailing average, not at it', () => {
    expect(evaluateAlert(rule('spike', 2), spend('2026-11-25', 20, 10), now).action).toBe('none');
    const r = evaluateAlert(rule('spike', 2), spend('2026-11-25', 25, 10), now);
    expect(r).toEqual({
      action: 'fire',
      value: 2.5,
      message: 'Spend on 2026-11-25 was $25.00, 2.5× the 7-day average of $10.00 (alert at over 2×).',
    });
    expect(evaluateAlert(rule('spike', 3), spend('2026-11-25', 25, 10), now).action).toBe('none');
    expect(evaluateAlert(rule('spike', 1.5), spend('2026-11-25', 16, 10), now).action).toBe('fire');
  });

  it('stays fired for the same day and re-arms when a later day is back under the factor', () => {
    const fired = { ...rule('spike', 2, 'fired'), firedDay: '2026-11-25' };
    expect(evaluateAlert(fired, spend('2026-11-25', 5, 10), now).action).toBe('none'); // revised figures, same day
    expect(evaluateAlert(fired, spend('2026-11-26', 30, 10), now).action).toBe('none'); // still spiking
    expect(evaluateAlert(fired, spend('2026-11-26', 20, 10), now).action).toBe('clear');
    expect(
      replay(rule('spike', 2), [
        spend('2026-11-24', 10, 10),
        spend('2026-11-25', 50, 10),
        spend('2026-11-25', 50, 10),
        spend('2026-11-26', 12, 15),
        spend('2026-11-27', 60, 15),
      ]),
    ).toEqual(['none', 'fire', 'none', 'clear', 'fire']);
  });

  it('has no baseline without spend in the trailing week', () => {
    const r = evaluateAlert(rule('spike', 2), spend('2026-11-25', 5, 0), now);
    expect(r).toEqual({ action: 'none', value: null, message: expect.stringMatching(/No spend history/) });
  });
});

describe('snooze and missing readings', () => {
  it('a snooze holds back fire until it ends; the rule stays armed, so it fires then', () => {
    const snoozed = { ...rule('below', 50), snoozedUntil: new Date('2026-11-27T10:00:00Z') };
    const held = evaluateAlert(snoozed, balance(40), now);
    expect(held.action).toBe('none');
    expect(held.value).toBe(40);
    expect(held.message).toBe('Balance $40.00 is below your $50.00 alert. Snoozed until 2026-11-27 10:00 UTC.');
    expect(evaluateAlert(snoozed, balance(40), new Date('2026-11-27T10:00:00Z')).action).toBe('fire');
  });

  it('re-arming goes on during a snooze', () => {
    const snoozedFired = { ...rule('below', 50, 'fired'), snoozedUntil: new Date('2026-11-27T10:00:00Z') };
    expect(evaluateAlert(snoozedFired, balance(80), now).action).toBe('clear');
  });

  it('missing or unusable readings change nothing', () => {
    for (const r of [rule('below', 50), rule('below', 50, 'fired')]) {
      expect(evaluateAlert(r, none, now)).toEqual({ action: 'none', value: null, message: expect.any(String) });
      expect(evaluateAlert(r, balance(Number.NaN), now).action).toBe('none');
    }
    expect(evaluateAlert(rule('runway', 7), none, now).action).toBe('none');
    expect(evaluateAlert(rule('spike', 2), spend('2026-11-25', 50, null), now).action).toBe('none');
    expect(evaluateAlert(rule('spike', 2), { ...none, trailingAvg: 10 }, now).action).toBe('none');
    expect(evaluateAlert(rule('below', Number.NaN), balance(1), now).message).toMatch(/no valid threshold/);
  });

  it('gives the verdicts the one-value form gave (now the only form)', () => {
    expect(evaluateAlert(rule('below', 50), balance(49), now).action).toBe('fire');
    expect(evaluateAlert(rule('below', 50, 'fired'), balance(50.5), now).action).toBe('none');
    expect(evaluateAlert(rule('below', 50, 'fired'), balance(52.5), now).action).toBe('clear');
    expect(evaluateAlert(rule('spike', 2, 'fired'), spend('2026-11-26', 12, 10), now).action).toBe('clear');
    expect(evaluateAlert(rule('runway', 14), runwayOf(null), now).action).toBe('none');
  });
});

describe('parseAlertThreshold', () => {
  const value = (kind: AlertRuleState['kind'], text: string) => {
    const r = parseAlertThreshold(kind, text);
    return r.ok ? r.value : r.reason;
  };

  it('reads amounts, days and factors as people type them', () => {
    expect(value('below', '25')).toBe(25);
    expect(value('below', '$25')).toBe(25);
    expect(value('below', '$ 1,000.50')).toBe(1000.5);
    expect(value('below', '12.3456')).toBe(12.3456);
    expect(value('below', '25 USD')).toBe(25);
    expect(value('below', '.5')).toBe(0.5);
    expect(value('runway', '14')).toBe(14);
    expect(value('runway', '14d')).toBe(14);
    expect(value('runway', '7.5 days')).toBe(7.5);
    expect(value('spike', '')).toBe(2);
    expect(value('spike', '2.5x')).toBe(2.5);
    expect(value('spike', '3×')).toBe(3);
  });

  it('refuses words, signs, exponents and absurd sizes with the right form', () => {
    expect(value('below', 'abc')).toBe('"abc" is not an amount in USD. Try: alert below 25');
    expect(value('below', '-5')).toBe('"-5" is negative; use an amount in USD above zero. Try: alert below 25');
    expect(value('below', '0')).toMatch(/more than \$0/);
    expect(value('below', '1e400')).toMatch(/not an amount/);
    expect(value('below', 'NaN')).toMatch(/not an amount/);
    expect(value('below', 'Infinity')).toMatch(/not an amount/);
    expect(value('below', '1000000001')).toMatch(/too large \(at most \$1,000,000,000\.00\)/);
    expect(value('below', '1,00')).toMatch(/not an amount/);
    expect(value('below', '')).toMatch(/Give the balance in USD/);
    expect(value('runway', '')).toMatch(/Give the runway in days/);
    expect(value('runway', '0')).toMatch(/more than 0 days/);
    expect(value('runway', '99999')).toMatch(/at most 3650 days/);
    expect(value('runway', 'two weeks')).toMatch(/not a number of days. Try: alert runway 14/);
    expect(value('spike', '1')).toMatch(/more than 1/);
    expect(value('spike', '0.5x')).toMatch(/more than 1/);
    expect(value('spike', '1000')).toMatch(/at most 100/);
  });

  it('quotes at most 20 characters of the input, without markup', () => {
    const r = value('below', `<script>${'x'.repeat(100)}`);
    expect(r).toBe('"?script?xxxxxxxxxxxx…" is not an amount in USD. Try: alert below 25');
  });
});
