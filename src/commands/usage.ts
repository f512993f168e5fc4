import { refreshButton, shareButton } from '../core/buttons.js';
import { errorReply, reply } from '../core/reply.js';
import type { Services } from '../core/services.js';
import { activityCoverage, usageBreakdown } from '../db/queries/activity.js';
import { keyNames, keyWorkspaces, workspaceNames } from '../db/queries/keys.js';
import { byokNote } from '../domain/byok.js';
import { formatChange, formatPercent, formatTokens, formatUsd } from '../domain/money.js';
import { PERIOD_NAMES, type PeriodName, previousWindow, resolvePeriod, utcDate, utcDays } from '../domain/periods.js';
import { MissingKeyError, StoreUnavailableError } from '../errors.js';
import { syncOnce } from '../jobs/sync.js';
import { defineCommand } from './command.js';
import { chartReply, csvReply, USAGE_FORMATS, type UsageFormat } from './usage-export.js';

const TOP = 10;
const GROUPS = ['model', 'key', 'provider', 'workspace'] as const;
type Group = (typeof GROUPS)[number];

interface Row {
  group: string;
  usd: number;
  requests: number;
  tokens: number;
  byok: number;
}

async function breakdown(services: Services, from: string, to: string, by: Group): Promise<Row[]> {
  const { db } = services.store.get();
  const rows = await usageBreakdown(db, { from, to, by: by === 'workspace' ? 'key' : by });
  const perGroup = rows.map((r) => ({
    group: r.group,
    usd: r.usd,
    requests: r.requests,
    tokens: r.promptTokens + r.completionTokens,
    byok: r.byokUsd,
  }));
  if (by !== 'workspace') return perGroup;
  // By workspace: the per-key rows folded by each key's workspace (reference §12: every key lives in one).
  const workspaceOf = await keyWorkspaces(db);
  const folded = new Map<string, Row>();
  for (const r of perGroup) {
    const group = workspaceOf.get(r.group) ?? '';
    const acc = folded.get(group) ?? { group, usd: 0, requests: 0, tokens: 0, byok: 0 };
    acc.usd += r.usd;
    acc.requests += r.requests;
    acc.tokens += r.tokens;
    acc.byok += r.byok;
    folded.set(group, acc);
  }
  return [...folded.values()];
}

const perKey = (by: Group) => by === 'key' || by === 'workspace';

/** Syncs from OpenRouter when the store lacks days of the window that OpenRouter still serves. */
async function ensureCoverage(services: Services, days: string[], by: Group): Promise<void> {
  const { db } = services.store.get();
  const today = utcDate(services.now());
  const oldestServed = utcDate(new Date(Date.parse(`${today}T00:00:00Z`) - 30 * 86_400_000));
  const wanted = days.filter((d) => d < today && d >= oldestServed);
  if (wanted.length === 0) return;
  const covered = new Set(
    await activityCoverage(db, { from: wanted[0] ?? today, to: today, ...(perKey(by) ? { perKey: true } : {}) }),
  );
  if (wanted.every((d) => covered.has(d))) return;
  await syncOnce({
    db,
    openrouter: services.openrouter,
    now: services.now,
    logger: services.log,
    parts: perKey(by) ? ['keys', 'activity'] : ['activity'],
  });
}

export const usage = defineCommand({
  name: 'usage',
  summary: 'Spend by model, key, provider or workspace over a period, with change vs the previous period',
  usage: 'usage [today|yesterday|7d|30d|week|last-week|month|last-month] [by model|key|provider|workspace] [csv|chart]',
  examples: ['usage', 'usage 30d by key', 'usage last-month by provider', 'usage 7d by model csv', 'usage 30d chart'],
  options: {
    period: { kind: 'choice', description: 'The period (UTC); default 7d', choices: PERIOD_NAMES },
    by: { kind: 'choice', description: 'Group by; default model', choices: GROUPS, keyword: 'by' },
    format: {
      kind: 'choice',
      description: 'table (default), csv (a .csv file) or chart (a PNG of daily spend)',
      choices: USAGE_FORMATS,
    },
  },
  async run({ args, services, commandText }) {
    const period = (args.period ?? '7d') as PeriodName;
    const by = (args.by ?? 'model') as Group;
    const format = (args.format ?? 'table') as UsageFormat;
    const now = services.now();
    const window = resolvePeriod(period, now);
    const previous = previousWindow(window);
    if (!services.store.available()) throw new StoreUnavailableError();
    if (!services.openrouter.hasManagementKey) {
      throw new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', 'Usage by model, key or provider (OpenRouter /activity)');
    }
    const notes: string[] = [];
    if (period === 'today') {
      if (format === 'chart') {
        return errorReply('A chart needs whole days; today has only one, so far.', 'usage 7d chart');
      }
      return todayByKey(services, commandText, window.label, format === 'csv');
    }
    try {
      await ensureCoverage(services, [...utcDays(previous), ...utcDays(window)], by);
    } catch (error) {
      services.log.warn({ err: error }, 'usage: sync before answering failed; answering from the store');
      notes.push('OpenRouter could not be reached just now; figures come from the last sync.');
    }
    const from = utcDate(window.start);
    const to = utcDate(window.end);
    const prevFrom = utcDate(previous.start);
    const prevTo = utcDate(previous.end);
    const [current, prior, prevCovered] = await Promise.all([
      breakdown(services, from, to, by),
      breakdown(services, prevFrom, prevTo, by),
      activityCoverage(services.store.get().db, {
        from: prevFrom,
        to: prevTo,
        ...(perKey(by) ? { perKey: true } : {}),
      }),
    ]);
    const prevDays = utcDays(previous).filter((d) => d < prevTo || prevFrom === prevTo).length;
    const comparable = prevCovered.length > 0;
    if (!comparable) {
      notes.push(
        `No data for the previous period (${previous.label.replace(/^previous: /, '')}): OpenRouter serves the last 30 days, and the bot keeps history from its first sync on.`,
      );
    } else if (prevCovered.length < prevDays) {
      notes.push(`The previous period is only partly in the store (${prevCovered.length} of ${prevDays} days).`);
    }
    const change = (cur: number, prev: number) => (comparable ? formatChange(cur, prev) : '—');
    const db = services.store.get().db;
    const names =
      by === 'key' ? await keyNames(db) : by === 'workspace' ? await workspaceNames(db) : new Map<string, string>();
    const label = (g: string) =>
      by === 'key'
        ? (names.get(g) ?? `key ${g.slice(0, 8)}…`)
        : by === 'workspace'
          ? (names.get(g) ?? (g ? `workspace ${g.slice(0, 8)}…` : '(no workspace)'))
          : g || '(unknown)';
    if (format === 'csv') {
      return csvReply({
        by,
        period,
        from,
        windowLabel: window.label,
        rows: current.map((r) => ({
          label: label(r.group),
          usd: r.usd,
          requests: r.requests,
          tokens: r.tokens,
          previousUsd: prior.find((p) => p.group === r.group)?.usd ?? 0,
        })),
        comparable,
        notes,
        asOf: now,
      });
    }
    if (format === 'chart') {
      const workspaceOf = by === 'workspace' ? await keyWorkspaces(db) : undefined;
      const groupOf = (g: string) => label(workspaceOf ? (workspaceOf.get(g) ?? '') : g);
      return chartReply(services, { by, period, window, from, to, groupOf, notes });
    }
    const total = current.reduce((s, r) => s + r.usd, 0);
    const priorTotal = prior.reduce((s, r) => s + r.usd, 0);
    const priorBy = new Map(prior.map((r) => [r.group, r.usd]));
    const sorted = [...current].sort((a, b) => b.usd - a.usd);
    const top = sorted.slice(0, TOP);
    const rest = sorted.slice(TOP);
    const rows = top.map((r) => [
      label(r.group),
      formatUsd(r.usd),
      total > 0 ? formatPercent(r.usd / total) : '—',
      formatTokens(r.requests),
      formatTokens(r.tokens),
      change(r.usd, priorBy.get(r.group) ?? 0),
    ]);
    if (rest.length > 0) {
      const usd = rest.reduce((s, r) => s + r.usd, 0);
      const priorRest = rest.reduce((s, r) => s + (priorBy.get(r.group) ?? 0), 0);
      rows.push([
        `others (${rest.length})`,
        formatUsd(usd),
        total > 0 ? formatPercent(usd / total) : '—',
        formatTokens(rest.reduce((s, r) => s + r.requests, 0)),
        formatTokens(rest.reduce((s, r) => s + r.tokens, 0)),
        change(usd, priorRest),
      ]);
    }
    if (period === 'month' || period === 'week') {
      notes.push('OpenRouter publishes activity per completed UTC day, so today is not included yet.');
    }
    if (current.length === 0) notes.push('No spend recorded in this window.');
    const byok = byokNote(current.reduce((s, r) => s + r.byok, 0));
    if (byok) notes.push(byok);
    const totalRequests = current.reduce((s, r) => s + r.requests, 0);
    const totalTokens = current.reduce((s, r) => s + r.tokens, 0);
    return reply({
      title: `Usage by ${by}, ${period}`,
      summary: `${formatUsd(total)} in ${window.label}${comparable ? `; ${formatChange(total, priorTotal)} vs the previous period` : ''}`,
      tables: [
        {
          columns: [by, 'spend', 'share', 'requests', 'tokens', 'change'],
          align: ['left', 'right', 'right', 'right', 'right', 'right'],
          rows,
          footer: [
            'total',
            formatUsd(total),
            current.length ? '100%' : '—',
            formatTokens(totalRequests),
            formatTokens(totalTokens),
            change(total, priorTotal),
          ],
        },
      ],
      fields: [
        { label: 'Window', value: window.label },
        {
          label: 'Compared with',
          value: comparable
            ? `${previous.label.replace(/^previous: /, '')}: ${formatUsd(priorTotal)}`
            : 'no data for the previous period',
        },
      ],
      notes,
      asOf: now,
      buttons: [refreshButton(commandText), shareButton(commandText)],
    });
  },
});

async function todayByKey(services: Services, commandText: string, windowLabel: string, csv: boolean) {
  const keys = await services.openrouter.listKeys({ includeDisabled: true, budgetMs: 8_000 });
  const spent = keys.filter((k) => k.usageDaily > 0).sort((a, b) => b.usageDaily - a.usageDaily);
  if (csv) {
    return csvReply({
      by: 'key',
      period: 'today',
      from: utcDate(services.now()),
      windowLabel,
      rows: spent.map((k) => ({ label: k.name || k.label, usd: k.usageDaily, requests: 0, tokens: 0 })),
      comparable: false,
      notes: [],
      asOf: services.now(),
    });
  }
  const total = spent.reduce((s, k) => s + k.usageDaily, 0);
  return reply({
    title: 'Usage today (so far)',
    summary: `${formatUsd(total)} so far today (UTC)`,
    tables: [
      {
        columns: ['key', 'spend today', 'share'],
        align: ['left', 'right', 'right'],
        rows: spent
          .slice(0, TOP)
          .map((k) => [
            k.name || k.label,
            formatUsd(k.usageDaily),
            total > 0 ? formatPercent(k.usageDaily / total) : '—',
          ]),
        footer: ['total', formatUsd(total), spent.length ? '100%' : '—'],
      },
    ],
    fields: [{ label: 'Window', value: windowLabel }],
    notes: [
      "OpenRouter publishes per-model activity only for completed UTC days, so today is shown per key (from each key's usage_daily). Keys deleted today are missing.",
    ],
    asOf: services.now(),
    buttons: [refreshButton(commandText), shareButton(commandText)],
  });
}
