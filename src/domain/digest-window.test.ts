import { describe, expect, it } from 'vitest';
import { evaluateAlert } from './alert-rules.js';
import { isValidTimeZone, latestDue, nextDue, parseTime, parseWeekday, windowFor } from './digest-window.js';

const at = (iso: string) => new Date(iso);

describe('digest windows', () => {
  const mondayNine = { weekday: 1, time: '09:00', timezone: 'UTC' };

  it('covers the 7 completed UTC days before the due date', () => {
    expect(windowFor(at('2026-11-30T09:00:00Z'))).toEqual({ from: '2026-11-23', to: '2026-11-30' });
    expect(windowFor(at('2027-01-04T09:00:00Z'))).toEqual({ from: '2026-12-28', to: '2027-01-04' });
  });

  it('the first digest is the first one due after subscribing', () => {
    expect(latestDue(mondayNine, at('2026-11-30T09:00:01Z'), at('2026-11-30T09:00:00.500Z'))).toBeNull();
    const first = nextDue(mondayNine, at('2026-11-30T09:00:00.500Z'));
    expect(first.dueAt.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    const d = latestDue(mondayNine, at('2026-12-07T09:00:00Z'), at('2026-11-30T09:00:00.500Z'));
    expect(d?.dueAt.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    expect(d?.key).toBe('2026-11-30/2026-12-07');
  });

  it('after three missed weeks returns only the newest, counting the missed ones', () => {
    const d = latestDue(mondayNine, at('2026-12-22T10:00:00Z'), at('2026-11-30T09:00:00Z'));
    expect(d?.dueAt.toISOString()).toBe('2026-12-21T09:00:00.000Z');
    expect(d?.missed).toBe(2);
  });

  it('follows local time across DST changes', () => {
    const berlin = { weekday: 1, time: '09:00', timezone: 'Europe/Berlin' };
    expect(nextDue(berlin, at('2026-03-25T00:00:00Z')).dueAt.toISOString()).toBe('2026-03-30T07:00:00.000Z'); // CEST
    expect(nextDue(berlin, at('2026-03-20T00:00:00Z')).dueAt.toISOString()).toBe('2026-03-23T08:00:00.000Z'); // CET
    const ny = { weekday: 0, time: '09:00', timezone: 'America/New_York' };
    expect(nextDue(ny, at('2026-10-30T00:00:00Z')).dueAt.toISOString()).toBe('2026-11-01T14:00:00.000Z'); // EST
    expect(nextDue(ny, at('2026-10-20T00:00:00Z')).dueAt.toISOString()).toBe('2026-10-25T13:00:00.000Z'); // EDT
  });

  it('a local time skipped by spring-forward still yields one digest that week', () => {
    const sunday0230 = { weekday: 0, time: '02:30', timezone: 'Europe/Berlin' };
    const d = nextDue(sunday0230, at('2026-03-28T12:00:00Z')); // 2026-03-29 02:30 does not exist in Berlin
    expect(d.dueAt.getTime()).toBeGreaterThan(at('2026-03-28T12:00:00Z').getTime());
    expect(d.dueAt.getTime()).toBeLessThan(at('2026-04-05T00:00:00Z').getTime());
  });

  it('handles zones east of UTC where the local Monday starts on UTC Sunday', () => {
    const kolkata = { weekday: 1, time: '03:00', timezone: 'Asia/Kolkata' };
    const d = nextDue(kolkata, at('2026-11-28T00:00:00Z'));
    expect(d.dueAt.toISOString()).toBe('2026-11-29T21:30:00.000Z');
    expect(d.window).toEqual({ from: '2026-11-22', to: '2026-11-29' });
  });

  it('parses times, weekdays and zones', () => {
    expect(parseTime('9:00')).toBe('09:00');
    expect(parseTime('17:30')).toBe('17:30');
    expect(parseTime('24:00')).toBeNull();
    expect(parseTime('nine')).toBeNull();
    expect(parseWeekday('Mon')).toBe(1);
    expect(parseWeekday('sunday')).toBe(0);
    expect(parseWeekday('x')).toBeNull();
    expect(isValidTimeZone('Asia/Kolkata')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('alert rules', () => {
  it('fires once per crossing and re-arms only after clearing with hysteresis', () => {
    const rule = { kind: 'below' as const, threshold: 50 };
    expect(evaluateAlert({ ...rule, state: 'armed', value: 60 })).toBe('none');
    expect(evaluateAlert({ ...rule, state: 'armed', value: 49.99 })).toBe('fire');
    expect(evaluateAlert({ ...rule, state: 'fired', value: 40 })).toBe('none');
    expect(evaluateAlert({ ...rule, state: 'fired', value: 50.5 })).toBe('none'); // bounce inside the band
    expect(evaluateAlert({ ...rule, state: 'fired', value: 52.5 })).toBe('clear');
    expect(evaluateAlert({ ...rule, state: 'fired', value: null })).toBe('none');
  });
  it('runway and spike', () => {
    expect(evaluateAlert({ kind: 'runway', threshold: 14, state: 'armed', value: 13 })).toBe('fire');
    expect(evaluateAlert({ kind: 'runway', threshold: 14, state: 'fired', value: 14.9 })).toBe('none');
    expect(evaluateAlert({ kind: 'runway', threshold: 14, state: 'fired', value: 15.4 })).toBe('clear');
    expect(evaluateAlert({ kind: 'spike', threshold: 2, state: 'armed', value: 2.5 })).toBe('fire');
    expect(evaluateAlert({ kind: 'spike', threshold: 2, state: 'armed', value: 2 })).toBe('none');
    expect(evaluateAlert({ kind: 'spike', threshold: 2, state: 'fired', value: 1.2 })).toBe('clear');
  });
});
