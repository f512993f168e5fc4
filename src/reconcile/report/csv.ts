/**
 * The CSV output of a report (`--out`): one row per finding, formula-safe cells.
 * @module
 */
import type { Finding, ReportRow } from './rows.js';

export const CSV_COLUMNS = [
  'line',
  'request_id',
  'source',
  'status',
  'issues',
  'notes',
  'timestamp',
  'model',
  'openrouter_model',
  'tokens_in',
  'openrouter_tokens_in',
  'tokens_out',
  'openrouter_tokens_out',
  'cost',
  'openrouter_cost',
  'byok_upstream_cost',
  'cache_discount',
  'tag',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula gets a leading `'`. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const csvHeader = () => csvLine(CSV_COLUMNS);

/** A row of the full table (`--out`). */
export function csvRow(row: ReportRow, f: Finding): string {
  const g = row.lookup.kind === 'found' ? row.lookup.generation : null;
  return csvLine([
    row.line,
    row.requestId,
    row.source,
    f.status,
    f.issues.join('; '),
    f.notes.join('; '),
    row.timestamp?.toISOString() ?? null,
    row.model,
    g?.model,
    row.tokensIn,
    g ? (g.nativeTokensPrompt ?? g.tokensPrompt) : null,
    row.tokensOut,
    g ? (g.nativeTokensCompletion ?? g.tokensCompletion) : null,
    row.cost,
    g?.totalCost,
    g?.isByok ? g.upstreamInferenceCost : null,
    g?.cacheDiscount,
    row.tag,
  ]);
}

export function csvMalformedRow(line: number, error: string): string {
  return csvLine([line, null, null, 'malformed', error]);
}
