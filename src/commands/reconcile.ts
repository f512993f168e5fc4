import { shareButton } from '../core/buttons.js';
import { reply } from '../core/reply.js';
import { formatTokens, formatUsd } from '../domain/money.js';
import { PERIOD_NAMES, type PeriodName, resolvePeriod } from '../domain/periods.js';
import { StoreUnavailableError } from '../errors.js';
import { createModelIdentity } from '../openrouter/model-identity.js';
import type { Finding, ReportRow } from '../reconcile/report/index.js';
import { buildReport } from '../reconcile/run-reconcile.js';
import { defineCommand } from './command.js';

const SHOWN = 5;

/** `reconcile [period]`: the stored local request logs of the period against what OpenRouter billed. */
export const reconcile = defineCommand({
  name: 'reconcile',
  summary: 'Local request logs vs what OpenRouter billed: differences, unknown ids, duplicates, spend by tag',
  usage: 'reconcile [today|yesterday|7d|30d|week|last-week|month|last-month]',
  examples: ['reconcile', 'reconcile yesterday', 'reconcile last-month'],
  options: {
    period: { kind: 'choice', description: 'The period (UTC); default 7d', choices: PERIOD_NAMES },
  },
  async run({ args, services, commandText }) {
    const period = (args.period ?? '7d') as PeriodName;
    const window = resolvePeriod(period, services.now());
    if (!services.store.available()) throw new StoreUnavailableError();
    const worst: { row: ReportRow; f: Finding; weight: number }[] = [];
    // Slug ↔ permaslug through /models (issue 12); without it the model check compares names as written.
    const models = await createModelIdentity(services.openrouter)
      .index({ budgetMs: 3_000 })
      .catch(() => undefined);
    const report = await buildReport(
      services.store.get().db,
      { from: window.start, to: window.end },
      {
        ...(models ? { models } : {}),
        onRow: (row, f) => {
          if (f.status === 'match') return;
          const billed = row.lookup.kind === 'found' ? row.lookup.generation.totalCost : 0;
          worst.push({ row, f, weight: Math.abs((row.cost ?? 0) - billed) + (f.status === 'mismatch' ? 0 : 1) });
          worst.sort((a, b) => b.weight - a.weight);
          if (worst.length > SHOWN) worst.pop();
        },
      },
    );
    const s = report.summary;
    const n = formatTokens;
    if (s.rows === 0) {
      return reply({
        title: `Reconcile, ${period}`,
        summary: `No local request logs in ${window.label}.`,
        notes: [
          'Send logs with `credits-bot reconcile <file>`, POST /ingest/requests, or an OpenRouter Broadcast webhook to POST /ingest/otlp.',
        ],
      });
    }
    const problems = s.rows - s.byStatus.match;
    const fields = [
      { label: 'Requests', value: n(s.rows), inline: true },
      { label: 'Matching', value: n(s.byStatus.match), inline: true },
      { label: 'Differing', value: n(s.byStatus.mismatch), inline: true },
      { label: 'Unknown to OpenRouter', value: n(s.byStatus.unknown + s.byStatus.other_account), inline: true },
      { label: 'Duplicates', value: n(s.byStatus.duplicate), inline: true },
      { label: 'Pending', value: n(s.byStatus.pending + s.byStatus.failed), inline: true },
      {
        label: 'Cost',
        value: `local ${formatUsd(s.localCostOfKnown)} vs billed ${formatUsd(s.billedCost)} for the ids OpenRouter knows; all local rows ${formatUsd(s.localCost)}`,
      },
    ];
    const tables = [];
    if (worst.length > 0) {
      tables.push({
        title: 'Largest differences',
        columns: ['request', 'status', 'what differs'],
        rows: worst.map(({ row, f }) => [row.requestId, f.status, f.issues.join('; ').slice(0, 120)]),
      });
    }
    const flaggedDays = report.days.filter((d) => d.status === 'local_higher').slice(0, SHOWN);
    if (flaggedDays.length > 0) {
      tables.push({
        title: 'Days where local logs exceed OpenRouter activity',
        columns: ['day', 'model', 'local', 'activity'],
        rows: flaggedDays.map((d) => [d.day, d.model, formatUsd(d.localCost), formatUsd(d.activityUsage ?? 0)]),
        align: ['left', 'left', 'right', 'right'] as const,
      });
    }
    if (report.tags.some((t) => t.tag !== null)) {
      tables.push({
        title: 'Spend by tag',
        columns: ['tag', 'requests', 'local', 'billed'],
        rows: report.tags
          .slice(0, 10)
          .map((t) => [t.tag ?? '(untagged)', n(t.requests), formatUsd(t.localCost), formatUsd(t.billedCost)]),
        align: ['left', 'right', 'right', 'right'] as const,
      });
    }
    const notes: string[] = [];
    if (s.byStatus.unknown > 0) {
      notes.push('Unknown ids belong to another OpenRouter account, are mistyped, or were never billed.');
    }
    if (s.byStatus.pending > 0) notes.push('Pending ids are still being looked up; ask again in a minute.');
    notes.push('The full per-request table: `credits-bot reconcile <file> --out report.csv`.');
    return reply({
      title: `Reconcile, ${period}`,
      tone: problems === 0 ? 'good' : s.byStatus.mismatch + s.byStatus.unknown > 0 ? 'warning' : 'neutral',
      summary:
        problems === 0
          ? `All ${n(s.rows)} logged requests in ${window.label} match what OpenRouter billed.`
          : `${n(problems)} of ${n(s.rows)} logged requests in ${window.label} need a look.`,
      fields,
      tables,
      notes,
      buttons: [shareButton(commandText)],
    });
  },
});
