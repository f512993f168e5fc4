/**
 * Reconciliation, the pure part: one local log row against OpenRouter's `/generation` answer
 * (`classify`), per-day-and-model totals against synced activity and spend by tag (`compare-days`),
 * the running counts (`summary`), and the outputs (`text`, `csv`). No I/O, no clock.
 * @module
 */
export { baseModel, classify } from './classify.js';
export {
  type ActivityDayModel,
  compareDays,
  type DayModelComparison,
  type LocalDayModel,
  type TagSpend,
} from './compare-days.js';
export { CSV_COLUMNS, csvCell, csvHeader, csvLine, csvMalformedRow, csvRow } from './csv.js';
export {
  type BilledGeneration,
  DEFAULT_TOLERANCES,
  type DiscrepancyKind,
  type Finding,
  type LookupState,
  type ReportRow,
  type RequestStatus,
  type Tolerances,
} from './rows.js';
export { addToSummary, emptySummary, isDiscrepant, type ReconcileSummary, summaryLines } from './summary.js';
export { dayModelTable, formatFindingLine, formatMalformedLine, tagTable, textTable } from './text.js';
