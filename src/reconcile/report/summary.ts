/**
 * Counts and money over every row classified, and the closing lines of a report.
 * @module
 */
import { formatTokens, formatUsdPrecise } from '../../domain/money.js';
import type { DiscrepancyKind, Finding, ReportRow, RequestStatus } from './rows.js';

/** Counts and money over every row classified. */
export interface ReconcileSummary {
  rows: number;
  byStatus: Record<RequestStatus, number>;
  byKind: Partial<Record<DiscrepancyKind, number>>;
  malformed: number;
  /** Sum of local costs over every row (duplicates included: that is what the app counted). */
  localCost: number;
  /** Sum of OpenRouter's charge over distinct known ids. */
  billedCost: number;
  /** Sum of local costs over the same distinct known ids, for a like-for-like difference. */
  localCostOfKnown: number;
}

export function emptySummary(): ReconcileSummary {
  return {
    rows: 0,
    byStatus: { match: 0, mismatch: 0, unknown: 0, other_account: 0, duplicate: 0, pending: 0, failed: 0 },
    byKind: {},
    malformed: 0,
    localCost: 0,
    billedCost: 0,
    localCostOfKnown: 0,
  };
}

export function addToSummary(s: ReconcileSummary, row: ReportRow, f: Finding): void {
  s.rows += 1;
  s.byStatus[f.status] += 1;
  for (const k of f.kinds) s.byKind[k] = (s.byKind[k] ?? 0) + 1;
  s.localCost += row.cost ?? 0;
  if (row.duplicateOfLine === undefined && row.lookup.kind === 'found') {
    s.billedCost += row.lookup.generation.totalCost;
    s.localCostOfKnown += row.cost ?? 0;
  }
}

/** The rows that need a human: everything but matches. */
export const isDiscrepant = (f: Finding) => f.status !== 'match';

/** The closing lines of a report: counts by outcome and the money. */
export function summaryLines(s: ReconcileSummary): string[] {
  const n = formatTokens;
  const diff = s.localCostOfKnown - s.billedCost;
  return [
    `Rows: ${n(s.rows)} · matching ${n(s.byStatus.match)} · differing ${n(s.byStatus.mismatch)} · unknown to OpenRouter ${n(s.byStatus.unknown)} · other account ${n(s.byStatus.other_account)} · duplicates ${n(s.byStatus.duplicate)} · pending ${n(s.byStatus.pending)} · lookup failed ${n(s.byStatus.failed)} · malformed lines ${n(s.malformed)}`,
    `Cost of ids OpenRouter knows: local ${formatUsdPrecise(s.localCostOfKnown)} vs billed ${formatUsdPrecise(s.billedCost)} (${diff >= 0 ? '+' : '-'}${formatUsdPrecise(Math.abs(diff))}); all local rows ${formatUsdPrecise(s.localCost)}`,
  ];
}
