/**
 * The week's figures → the digest `Reply` (public, with the chart as its image). Adapters turn it
 * into Block Kit or an embed; the chart is uploaded (Slack) or attached (Discord).
 * @module
 */
import type { Reply, ReplyField, ReplyTable } from '../core/reply.js';
import { formatChange, formatDays, formatSignedUsd, formatTokens, formatUsd } from '../domain/money.js';
import { type Chart, renderSpendChart } from './chart.js';
import { addDays, type DigestFigures } from './figures.js';

export interface DigestOptions {
  /** The rendered chart, or null to send without one (rendering failed). */
  chart?: Chart | null;
  /** Earlier windows that were due while the bot was down and will not be sent. */
  missedWindows?: number;
  /** `digest preview`: say that it is a preview. */
  preview?: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function shortDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** "16–22 Nov 2026": the window's first and last UTC day. */
export function windowLabel(w: { from: string; to: string }): string {
  const last = addDays(w.to, -1);
  if (w.from.slice(0, 7) === last.slice(0, 7)) return `${Number(w.from.slice(8))}–${shortDay(last)}`;
  if (w.from.slice(0, 4) === last.slice(0, 4)) return `${shortDay(w.from).slice(0, -5)} – ${shortDay(last)}`;
  return `${shortDay(w.from)} – ${shortDay(last)}`;
}

function tables(f: DigestFigures): ReplyTable[] {
  const out: ReplyTable[] = [];
  if (f.topModels.length > 0) {
    const rows = f.topModels.map((m) => [
      m.model,
      formatUsd(m.usd),
      `${Math.round(m.share * 100)}%`,
      formatChange(m.usd, m.previousUsd),
    ]);
    if (f.otherModels.count > 0) {
      rows.push([
        `${f.otherModels.count} other model${f.otherModels.count === 1 ? '' : 's'}`,
        formatUsd(f.otherModels.usd),
        `${Math.round((f.otherModels.usd / f.total) * 100)}%`,
        '',
      ]);
    }
    out.push({
      title: 'Top models',
      columns: ['Model', 'Spend', 'Share', 'vs prev.'],
      rows,
      align: ['left', 'right', 'right', 'right'],
      footer: ['Total', formatUsd(f.total), '100%', formatChange(f.total, f.previousTotal)],
    });
  }
  if (f.keys && f.keys.length > 0) {
    out.push({
      title: 'Spend by key',
      columns: ['Key', 'Spend', 'vs prev.'],
      rows: f.keys.slice(0, 10).map((k) => [k.name, formatUsd(k.usd), formatChange(k.usd, k.previousUsd)]),
      align: ['left', 'right', 'right'],
    });
  }
  if (f.tags && f.tags.length > 0) {
    out.push({
      title: 'Spend by tag (reconciled request logs)',
      columns: ['Tag', 'Spend', 'Requests'],
      rows: f.tags.slice(0, 10).map((t) => [t.tag, formatUsd(t.usd), formatTokens(t.requests)]),
      align: ['left', 'right', 'right'],
    });
  }
  return out;
}

function notes(f: DigestFigures, opts: DigestOptions): string[] {
  const out: string[] = [];
  if (opts.missedWindows && opts.missedWindows > 0) {
    out.push(
      `The bot was unavailable when ${opts.missedWindows === 1 ? 'the previous digest was' : `the previous ${opts.missedWindows} digests were`} due; ${opts.missedWindows === 1 ? 'it was' : 'they were'} missed and only this latest week is sent.`,
    );
  }
  if (f.newModels.length > 0) out.push(`New this week: ${f.newModels.join(', ')}.`);
  if (f.doubledModels.length > 0) {
    out.push(
      `More than doubled: ${f.doubledModels.map((m) => `${m.model} (${formatUsd(m.previousUsd)} → ${formatUsd(m.usd)})`).join(', ')}.`,
    );
  }
  for (const s of f.spikeDays) {
    out.push(
      `Spike on ${s.date}: ${formatUsd(s.usd)}, ${(s.usd / s.trailingAverage).toFixed(1)}× the trailing 7-day average (${formatUsd(s.trailingAverage)}/day).`,
    );
  }
  for (const e of f.expiring) {
    out.push(
      `${e.model} ${e.daysLeft < 0 ? 'expired' : 'expires'} on ${e.expirationDate}${e.daysLeft >= 0 ? ` (in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'})` : ''}: move its traffic to another model.`,
    );
  }
  if (f.keys === null) out.push('Spend by key needs a management key (OPENROUTER_MANAGEMENT_KEY).');
  out.push(
    `Window: UTC days ${f.window.from} to ${addDays(f.window.to, -1)}, compared with ${f.previousWindow.from} to ${addDays(f.previousWindow.to, -1)}.`,
  );
  return out;
}

/** Builds the digest reply from the figures (synchronous; pass the chart in). */
export function buildDigest(f: DigestFigures, opts: DigestOptions = {}): Reply {
  const change = `${formatSignedUsd(f.changeUsd)} (${formatChange(f.total, f.previousTotal)}) vs ${formatUsd(f.previousTotal)}`;
  const fields: ReplyField[] = [
    { label: 'Spend', value: formatUsd(f.total), inline: true },
    {
      label: 'vs previous week',
      value: f.previousTotal > 0 ? change : `${formatUsd(f.previousTotal)} the week before`,
      inline: true,
    },
  ];
  if (f.balance) fields.push({ label: 'Balance', value: formatUsd(f.balance.usd), inline: true });
  fields.push({ label: 'Burn rate', value: `${formatUsd(f.burnPerDay)}/day`, inline: true });
  if (f.balance) {
    fields.push({
      label: 'Runway',
      value:
        f.runwayDays === null || !f.runOutDate
          ? 'no spend, no run-out'
          : `${formatDays(f.runwayDays)} → runs out ${f.runOutDate.toISOString().slice(0, 10)}`,
      inline: true,
    });
  }
  fields.push({
    label: 'Requests and tokens',
    value: `${formatTokens(f.requests)} requests · ${formatTokens(f.tokens.prompt)} in · ${formatTokens(f.tokens.completion)} out${f.tokens.reasoning > 0 ? ` · ${formatTokens(f.tokens.reasoning)} reasoning` : ''}`,
  });
  let tone: Reply['tone'] = 'neutral';
  if (f.runwayDays !== null && f.runwayDays < 7) tone = 'danger';
  else if ((f.runwayDays !== null && f.runwayDays < 14) || f.spikeDays.length > 0 || f.expiring.length > 0)
    tone = 'warning';
  const summaryParts = [`Spent ${formatUsd(f.total)} (${formatChange(f.total, f.previousTotal)} vs previous week)`];
  if (f.balance) summaryParts.push(`balance ${formatUsd(f.balance.usd)}`);
  if (f.runwayDays !== null) summaryParts.push(`about ${formatDays(f.runwayDays)} of runway`);
  const chart = opts.chart ?? null;
  return {
    title: `${opts.preview ? 'Preview: ' : ''}Weekly OpenRouter spend, ${windowLabel(f.window)}`,
    tone,
    summary: summaryParts.join(', '),
    fields,
    tables: tables(f),
    notes: notes(f, opts),
    ...(f.balance ? { asOf: f.balance.asOf } : {}),
    footer: opts.preview ? 'Preview: not recorded as sent' : 'Weekly digest · /credits digest unsubscribe to stop',
    ...(chart
      ? {
          image: {
            filename: `spend-${f.window.from}.png`,
            contentType: 'image/png' as const,
            data: chart.png,
            altText: chart.altText,
            title: `Daily spend ${windowLabel(f.window)}`,
          },
        }
      : {}),
    visibility: 'public',
  };
}

/** Renders the chart, then the reply; a chart failure leaves the digest without an image. */
export async function renderDigest(
  f: DigestFigures,
  opts: Omit<DigestOptions, 'chart'> & { onChartError?: (error: unknown) => void } = {},
): Promise<Reply> {
  let chart: Chart | null = null;
  try {
    chart = await renderSpendChart({
      days: f.days,
      rows: f.daily,
      title: `Daily spend by model (UTC days, ${windowLabel(f.window)})`,
    });
  } catch (error) {
    opts.onChartError?.(error);
  }
  return buildDigest(f, { ...opts, chart });
}
