import { describe, expect, it } from 'vitest';
import type { KeyItem } from '../../openrouter/types.js';
import { describeState, keyDetailReply, keyListReply, limitText, PAGE_SIZE, sortKeys, statusText } from './format.js';

const NOW = new Date('2026-11-24T15:00:00Z');
const WS_A = '0df9e665-d932-5740-b2c7-b52af166bc11';
const WS_B = '6c1e2a4b-0000-4000-8000-000000000002';

function key(name: string, o: Partial<KeyItem> = {}): KeyItem {
  return {
    hash: `${name.padEnd(8, 'x')}0123456789abcdef`,
    name,
    label: `sk-or-v1-abc...${name}`,
    disabled: false,
    limit: null,
    limitRemaining: null,
    limitReset: null,
    includeByokInLimit: false,
    usage: 100,
    usageDaily: 1,
    usageWeekly: 5,
    usageMonthly: 20,
    byokUsage: 0,
    byokUsageDaily: 0,
    byokUsageWeekly: 0,
    byokUsageMonthly: 0,
    expiresAt: null,
    creatorUserId: 'user_abc',
    createdAt: '2026-01-02T03:04:05Z',
    updatedAt: null,
    workspaceId: WS_A,
    raw: {},
    ...o,
  };
}

const names = new Map([
  [WS_A, 'Default'],
  [WS_B, 'Research'],
]);

describe('key formatting', () => {
  it('writes limits, states and statuses in words', () => {
    expect(limitText(600, 'monthly')).toBe('$600.00 monthly');
    expect(limitText(25, null)).toBe('$25.00');
    expect(limitText(null, 'daily')).toBe('none');
    expect(describeState({ disabled: true, limit: 5, limitReset: 'daily' })).toBe('disabled, limit $5.00 daily');
    expect(statusText(key('a', { disabled: true }), NOW)).toBe('disabled');
    expect(statusText(key('a', { expiresAt: '2027-02-22T00:00:00Z' }), NOW)).toBe('expires 2027-02-22');
    expect(statusText(key('a', { expiresAt: '2026-11-01T00:00:00Z' }), NOW)).toBe('expired');
    expect(statusText(key('a'), NOW)).toBe('active');
  });

  it('sorts by this month’s spend, highest first, ties by name', () => {
    const sorted = sortKeys([
      key('b', { usageMonthly: 5 }),
      key('c', { usageMonthly: 50 }),
      key('a', { usageMonthly: 5 }),
    ]);
    expect(sorted.map((k) => k.name)).toEqual(['c', 'a', 'b']);
  });

  it('lists every key with workspace, spend, limit, remaining and a totals row', () => {
    const r = keyListReply({
      keys: [
        key('production', {
          usageMonthly: 300.5,
          usageDaily: 12.25,
          limit: 600,
          limitRemaining: 299.5,
          limitReset: 'monthly',
        }),
        key('research-batch', {
          workspaceId: WS_B,
          usageMonthly: 40,
          limit: 150,
          limitRemaining: 110,
          limitReset: 'monthly',
        }),
      ],
      workspaceNames: names,
      byWorkspace: false,
      page: 1,
      now: NOW,
      commandText: 'keys',
    });
    expect(r.title).toBe('API keys: 2 in 2 workspaces');
    expect(r.summary).toBe('This month: $340.50 over 2 keys.');
    const [table] = r.tables ?? [];
    expect(table?.rows[0]).toEqual([
      'production',
      'Default',
      '$12.25',
      '$5.00',
      '$300.50',
      '$600.00 monthly',
      '$299.50',
      'active',
    ]);
    expect(table?.rows[1]?.slice(0, 2)).toEqual(['research-batch', 'Research']);
    expect(table?.footer?.[4]).toBe('$340.50');
    expect(r.buttons?.map((b) => b.action)).toEqual(['refresh']);
  });

  it('groups by workspace and pages long lists', () => {
    const many = Array.from({ length: PAGE_SIZE + 3 }, (_, i) =>
      key(`k${String(i).padStart(2, '0')}`, { usageMonthly: 100 - i, workspaceId: i % 2 ? WS_B : WS_A }),
    );
    const first = keyListReply({
      keys: many,
      workspaceNames: names,
      byWorkspace: true,
      page: 1,
      now: NOW,
      commandText: 'keys',
    });
    expect(first.tables?.map((t) => t.title)).toEqual(['Default', 'Research']);
    expect(first.tables?.reduce((n, t) => n + t.rows.length, 0)).toBe(PAGE_SIZE);
    expect(first.notes?.join(' ')).toContain('Page 1 of 2: `keys page 2` for more.');
    const second = keyListReply({
      keys: many,
      workspaceNames: names,
      byWorkspace: false,
      page: 9,
      now: NOW,
      commandText: 'keys',
    });
    expect(second.tables?.[0]?.rows).toHaveLength(3); // past the end: the last page
  });

  it('shows one key with its last 7 days, share of the account, creator and the action buttons', () => {
    const k = key('staging', { usageMonthly: 25, limit: 60, limitRemaining: 35, limitReset: 'weekly' });
    const r = keyDetailReply({
      key: k,
      workspaceName: 'Default',
      days: [
        { date: '2026-11-17', usd: 1.5 },
        { date: '2026-11-23', usd: 2 },
      ],
      accountMonth: 100,
      now: NOW,
      commandText: 'keys staging',
    });
    expect(r.summary).toBe('staging (Default): $25.00 this month, enabled, limit $60.00 weekly.');
    const field = (label: string) => r.fields?.find((f) => f.label === label)?.value;
    expect(field('Share of account (month)')).toBe('25.0%');
    expect(field('Creator')).toBe('user_abc');
    expect(field('Remaining')).toBe('$35.00');
    expect(r.tables?.[0]?.footer).toEqual(['Total', '$3.50']);
    expect(r.buttons?.map((b) => [b.action, b.value])).toEqual([
      ['key-disable', k.hash],
      ['key-limit', k.hash],
      ['key-snooze', k.hash],
      ['refresh', 'keys staging'],
    ]);
    const disabled = keyDetailReply({
      key: { ...k, disabled: true },
      workspaceName: 'Default',
      days: null,
      accountMonth: 0,
      now: NOW,
      commandText: 'keys staging',
    });
    expect(disabled.buttons?.[0]?.action).toBe('key-enable');
    expect(disabled.notes?.join(' ')).toContain('could not be read');
    expect(disabled.fields?.find((f) => f.label === 'Share of account (month)')?.value).toBe('—');
  });
});
