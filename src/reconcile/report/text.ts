/**
 * The plain-text outputs of a report: one line per finding, aligned tables by day-and-model and by tag.
 * @module
 */
import { formatTokens, formatUsdPrecise } from '../../domain/money.js';
import type { DayModelComparison, TagSpend } from './compare-days.js';
import type { Finding, ReportRow } from './rows.js';

/** One report line: `line 12  gen-…  mismatch  cost $0.0100 vs billed $0.0150 (-33.3%)`. */
export function formatFindingLine(row: ReportRow, f: Finding): string {
  const where = row.line === null ? row.source.padEnd(10) : `line ${row.line}`.padEnd(10);
  const what = [...f.issues, ...f.notes.map((n) => `(${n})`)].join('; ');
  return `${where}  ${row.requestId.padEnd(38)}  ${f.status.padEnd(13)}  ${what || 'ok'}`.trimEnd();
}

export function formatMalformedLine(line: number, error: string): string {
  return `${`line ${line}`.padEnd(10)}  ${'-'.padEnd(38)}  ${'malformed'.padEnd(13)}  ${error}`;
}

/** A plain-text table with aligned columns (numbers right-aligned where `align` says so). */
export function textTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const STATUS_WORDS: Record<DayModelComparison['status'], string> = {
  match: 'match',
  local_higher: 'LOCAL HIGHER',
  activity_higher: 'activity higher',
  no_activity: 'no activity synced',
};

export function dayModelTable(rows: readonly DayModelComparison[]): string {
  return textTable(
    ['day', 'model', 'local req', 'local cost', 'billed (ids)', 'activity req', 'activity cost', 'status'],
    rows.map((r) => [
      r.day,
      r.model,
      formatTokens(r.localRequests),
      formatUsdPrecise(r.localCost),
      formatUsdPrecise(r.billedCost),
      r.activityRequests === null ? '-' : formatTokens(r.activityRequests),
      r.activityUsage === null ? '-' : formatUsdPrecise(r.activityUsage),
      STATUS_WORDS[r.status],
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
}

export function tagTable(rows: readonly TagSpend[]): string {
  return textTable(
    ['tag', 'requests', 'local cost', 'billed'],
    rows.map((t) => [
      t.tag ?? '(untagged)',
      formatTokens(t.requests),
      formatUsdPrecise(t.localCost),
      formatUsdPrecise(t.billedCost),
    ]),
    ['left', 'right', 'right', 'right'],
  );
}
