/**
 * The `keys` answers as neutral replies: the list over every workspace (sorted by this month's spend,
 * paged, optionally grouped by workspace) and one key in detail. Pure: figures in, Reply out.
 * @module
 */
import { refreshButton } from '../../core/buttons.js';
import { type Reply, type ReplyTable, reply } from '../../core/reply.js';
import type { KeyState } from '../../db/schema.js';
import { formatPercent, formatUsd } from '../../domain/money.js';
import type { KeyItem } from '../../openrouter/types.js';
import { keyActionButtons } from './buttons.js';

export const PAGE_SIZE = 15;

/** `$600.00 monthly`, `$25.00` (no reset), `none`. */
export function limitText(limit: number | null, reset: string | null | undefined): string {
  if (limit === null) return 'none';
  return reset ? `${formatUsd(limit)} ${reset}` : formatUsd(limit);
}

/** The settings an action changes, as the bot records them before and after. */
export function stateOf(key: Pick<KeyItem, 'disabled' | 'limit' | 'limitReset'>): KeyState {
  return { disabled: key.disabled, limit: key.limit, limitReset: key.limitReset ?? null };
}

/** `enabled, limit $600.00 monthly`: a KeyState in one phrase. */
export function describeState(s: KeyState): string {
  return `${s.disabled ? 'disabled' : 'enabled'}, limit ${limitText(s.limit, s.limitReset)}`;
}

/** `disabled`, `expired`, `expires 2027-02-22`, or `active`. */
export function statusText(key: Pick<KeyItem, 'disabled' | 'expiresAt'>, now: Date): string {
  if (key.disabled) return 'disabled';
  if (key.expiresAt) {
    const at = new Date(key.expiresAt);
    if (!Number.isNaN(at.getTime())) return at <= now ? 'expired' : `expires ${key.expiresAt.slice(0, 10)}`;
  }
  return 'active';
}

/** Highest month spend first; ties by name. */
export function sortKeys<K extends Pick<KeyItem, 'usageMonthly' | 'name'>>(keys: readonly K[]): K[] {
  return [...keys].sort((a, b) => b.usageMonthly - a.usageMonthly || a.name.localeCompare(b.name));
}

const wsName = (names: ReadonlyMap<string, string>, id: string | null) =>
  id ? (names.get(id) ?? id.slice(0, 8)) : 'default';

function keyTable(keys: readonly KeyItem[], names: ReadonlyMap<string, string>, now: Date, title?: string): ReplyTable {
  const sum = (f: (k: KeyItem) => number) => formatUsd(keys.reduce((s, k) => s + f(k), 0));
  return {
    ...(title ? { title } : {}),
    columns: ['Key', 'Workspace', 'Today', 'Week', 'Month', 'Limit', 'Left', 'Status'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows: keys.map((k) => [
      k.name,
      wsName(names, k.workspaceId),
      formatUsd(k.usageDaily),
      formatUsd(k.usageWeekly),
      formatUsd(k.usageMonthly),
      limitText(k.limit, k.limitReset),
      k.limitRemaining === null ? '—' : formatUsd(k.limitRemaining),
      statusText(k, now),
    ]),
    footer: ['Total', '', sum((k) => k.usageDaily), sum((k) => k.usageWeekly), sum((k) => k.usageMonthly), '', '', ''],
  };
}

interface KeyListInput {
  keys: readonly KeyItem[];
  /** workspace id → name. */
  workspaceNames: ReadonlyMap<string, string>;
  byWorkspace: boolean;
  page: number;
  now: Date;
  commandText: string;
}

/** `keys [by workspace] [page N]`. */
export function keyListReply(input: KeyListInput): Reply {
  const sorted = sortKeys(input.keys);
  const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, input.page), pages);
  const shown = sorted.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const workspaceCount = new Set(sorted.map((k) => k.workspaceId ?? '')).size;
  const tables: ReplyTable[] = [];
  if (input.byWorkspace) {
    const groups = new Map<string, KeyItem[]>();
    for (const k of shown) groups.set(k.workspaceId ?? '', [...(groups.get(k.workspaceId ?? '') ?? []), k]);
    for (const [id, keys] of groups)
      tables.push(keyTable(keys, input.workspaceNames, input.now, wsName(input.workspaceNames, id || null)));
  } else if (shown.length > 0) {
    tables.push(keyTable(shown, input.workspaceNames, input.now));
  }
  const notes = [
    'Spend is OpenRouter’s own per-key counters: today, this week (from Monday) and this month, UTC. Left = what the key’s limit still allows in its period.',
  ];
  if (pages > 1) notes.push(`Page ${page} of ${pages}: \`keys page ${Math.min(page + 1, pages)}\` for more.`);
  notes.push('`keys <name>` shows one key in detail (a name, a unique prefix, or a hash prefix).');
  return reply({
    title: `API keys: ${sorted.length} in ${workspaceCount} workspace${workspaceCount === 1 ? '' : 's'}`,
    summary:
      sorted.length === 0
        ? 'This account has no API keys.'
        : `This month: ${formatUsd(sorted.reduce((s, k) => s + k.usageMonthly, 0))} over ${sorted.length} key${sorted.length === 1 ? '' : 's'}.`,
    tables,
    notes,
    asOf: input.now,
    buttons: [refreshButton(input.commandText)],
  });
}

interface KeyDetailInput {
  key: KeyItem;
  workspaceName: string;
  /** The last 7 complete UTC days, oldest first; `null` when activity could not be read. */
  days: readonly { date: string; usd: number }[] | null;
  /** Every key's spend this month, for the share. */
  accountMonth: number;
  now: Date;
  commandText: string;
}

/** `keys <name>`: one key, with the admin buttons. */
export function keyDetailReply(input: KeyDetailInput): Reply {
  const { key: k, now } = input;
  const fields = [
    { label: 'Workspace', value: input.workspaceName, inline: true },
    { label: 'Status', value: statusText(k, now), inline: true },
    { label: 'Hash', value: k.hash.slice(0, 12), inline: true },
    { label: 'Today', value: formatUsd(k.usageDaily), inline: true },
    { label: 'This week', value: formatUsd(k.usageWeekly), inline: true },
    { label: 'This month', value: formatUsd(k.usageMonthly), inline: true },
    { label: 'Limit', value: limitText(k.limit, k.limitReset), inline: true },
    { label: 'Remaining', value: k.limitRemaining === null ? '—' : formatUsd(k.limitRemaining), inline: true },
    {
      label: 'Share of account (month)',
      value: input.accountMonth > 0 ? formatPercent(k.usageMonthly / input.accountMonth) : '—',
      inline: true,
    },
    { label: 'All time', value: formatUsd(k.usage), inline: true },
    { label: 'Created', value: k.createdAt ? k.createdAt.slice(0, 10) : '—', inline: true },
    { label: 'Creator', value: k.creatorUserId ?? '—', inline: true },
  ];
  const tables: ReplyTable[] = [];
  const notes: string[] = [];
  if (input.days === null)
    notes.push('The last 7 days could not be read from /activity (it needs the management key).');
  else {
    const total = input.days.reduce((s, d) => s + d.usd, 0);
    tables.push({
      title: 'Last 7 complete days (UTC)',
      columns: ['Day', 'Spend'],
      align: ['left', 'right'],
      rows: input.days.map((d) => [d.date, formatUsd(d.usd)]),
      footer: ['Total', formatUsd(total)],
    });
  }
  return reply({
    title: `Key ${k.name}`,
    tone: k.disabled ? 'warning' : 'neutral',
    summary: `${k.name} (${input.workspaceName}): ${formatUsd(k.usageMonthly)} this month, ${describeState(stateOf(k))}.`,
    fields,
    tables,
    notes,
    asOf: now,
    buttons: [...keyActionButtons(k), refreshButton(input.commandText)],
  });
}
