/**
 * `usage … csv` and `usage … chart`: the usage table as a CSV file (written by csv-stringify) and
 * the window's daily spend as a PNG (the digest's Vega-Lite path), as neutral reply attachments.
 * @module
 */
import { stringify } from 'csv-stringify/sync';
import { type Reply, reply } from '../core/reply.js';
import type { Services } from '../core/services.js';
import { dailyBreakdown } from '../db/queries/activity.js';
import { renderSpendChart } from '../digest/chart.js';
import { formatUsd } from '../domain/money.js';
import { type PeriodName, utcDays } from '../domain/periods.js';

export const USAGE_FORMATS = ['table', 'csv', 'chart'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

interface ExportRow {
  /** The display name of the group (model, key name, provider, workspace). */
  label: string;
  usd: number;
  requests: number;
  tokens: number;
  /** Spend in the previous period, when the store has it. */
  previousUsd?: number;
}

/** Dollars with enough digits that the rows add up to the total (activity is reported in micro-dollars). */
const usdCell = (usd: number) => usd.toFixed(6);

/** The whole breakdown (every group, no "others" fold) as CSV with a header and a final `total` row. */
function usageCsv(by: string, rows: readonly ExportRow[], comparable: boolean): string {
  const total = rows.reduce((s, r) => s + r.usd, 0);
  const body = [...rows]
    .sort((a, b) => b.usd - a.usd || a.label.localeCompare(b.label))
    .map((r) => [
      r.label,
      usdCell(r.usd),
      total > 0 ? (r.usd / total).toFixed(4) : '',
      r.requests,
      r.tokens,
      comparable ? usdCell(r.previousUsd ?? 0) : '',
    ]);
  const previousTotal = rows.reduce((s, r) => s + (r.previousUsd ?? 0), 0);
  return stringify(
    [
      ...body,
      [
        'total',
        usdCell(total),
        rows.length ? '1.0000' : '',
        rows.reduce((s, r) => s + r.requests, 0),
        rows.reduce((s, r) => s + r.tokens, 0),
        comparable ? usdCell(previousTotal) : '',
      ],
    ],
    { header: true, columns: [by, 'spend_usd', 'share', 'requests', 'tokens', 'previous_period_usd'] },
  );
}

const fileStem = (period: PeriodName, by: string, from: string) => `usage-${period}-by-${by}-${from}`;

export function csvReply(o: {
  by: string;
  period: PeriodName;
  from: string;
  windowLabel: string;
  rows: readonly ExportRow[];
  comparable: boolean;
  notes: string[];
  asOf: Date;
}): Reply {
  const total = o.rows.reduce((s, r) => s + r.usd, 0);
  const csv = usageCsv(o.by, o.rows, o.comparable);
  const filename = `${fileStem(o.period, o.by, o.from)}.csv`;
  return reply({
    title: `Usage by ${o.by}, ${o.period} (CSV)`,
    summary: `${formatUsd(total)} in ${o.windowLabel}; ${o.rows.length} ${o.by === 'key' ? 'keys' : `${o.by}s`} in ${filename}`,
    notes: o.notes,
    asOf: o.asOf,
    file: { filename, contentType: 'text/csv', data: new TextEncoder().encode(csv), title: filename },
  });
}

/**
 * Daily spend over the window stacked by the top groups, rendered like the digest chart. `groupOf`
 * maps a stored group (model, provider, key hash) to its label (key name, workspace name).
 */
export async function chartReply(
  services: Services,
  o: {
    by: 'model' | 'key' | 'provider' | 'workspace';
    period: PeriodName;
    window: { start: Date; end: Date; label: string };
    from: string;
    to: string;
    groupOf: (stored: string) => string;
    notes: string[];
  },
): Promise<Reply> {
  const { db } = services.store.get();
  const stored = await dailyBreakdown(db, {
    from: o.from,
    to: o.to,
    by: o.by === 'workspace' ? 'key' : o.by,
  });
  const rows = stored.map((r) => ({ date: r.date, model: o.groupOf(r.group), usd: r.usd }));
  const days = utcDays(o.window).filter((d) => d < o.to || o.from === o.to);
  const chart = await renderSpendChart({
    days,
    rows,
    title: `Daily spend by ${o.by} (UTC days, ${o.from} to ${days.at(-1) ?? o.from})`,
  });
  const total = rows.reduce((s, r) => s + r.usd, 0);
  return reply({
    title: `Usage by ${o.by}, ${o.period} (chart)`,
    summary: `${formatUsd(total)} in ${o.window.label}`,
    notes: o.notes,
    asOf: services.now(),
    image: {
      filename: `${fileStem(o.period, o.by, o.from)}.png`,
      contentType: 'image/png',
      data: chart.png,
      altText: chart.altText,
      title: `Daily spend by ${o.by}, ${o.window.label}`,
    },
  });
}
