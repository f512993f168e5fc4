/**
 * Reconciliation, the pure part: one local log row against OpenRouter's `/generation` answer
 * (BYOK and cache discount read as in reference §9.1), per-day-and-model totals against synced
 * activity, spend by tag, and the outputs (plain-text lines and CSV). No I/O, no clock.
 * @module
 */

/** OpenRouter's figures for one generation, as far as reconciliation needs them. */
export interface BilledGeneration {
  model: string;
  router: string | null;
  totalCost: number;
  upstreamInferenceCost: number | null;
  cacheDiscount: number | null;
  isByok: boolean;
  tokensPrompt: number | null;
  tokensCompletion: number | null;
  nativeTokensPrompt: number | null;
  nativeTokensCompletion: number | null;
  finishReason: string | null;
  createdAt: string | null;
}

/** Where the `/generation` lookup of an id stands. */
export type LookupState =
  | { kind: 'found'; generation: BilledGeneration }
  | { kind: 'not_found' }
  | { kind: 'other_account'; message: string }
  | { kind: 'pending' }
  | { kind: 'failed'; message: string };

/** One stored local log row with what is known about its id. */
export interface ReportRow {
  requestId: string;
  line: number | null;
  source: string;
  timestamp: Date | null;
  model: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  cost: number | null;
  tag: string | null;
  lookup: LookupState;
  /** Set on the second and later rows of the same id: the first row's line (or 0 without one). */
  duplicateOfLine?: number;
}

export type DiscrepancyKind =
  | 'cost'
  | 'tokens_in'
  | 'tokens_out'
  | 'model'
  | 'unknown_id'
  | 'other_account'
  | 'duplicate'
  | 'pending'
  | 'lookup_failed';

export type RequestStatus = 'match' | 'mismatch' | 'unknown' | 'other_account' | 'duplicate' | 'pending' | 'failed';

export interface Finding {
  status: RequestStatus;
  kinds: DiscrepancyKind[];
  /** What differs, one phrase each, e.g. `cost $0.0100 vs billed $0.0150 (-33.3%)`. */
  issues: string[];
  /** Explanations that do not make a discrepancy (BYOK read, cache discount), or likely causes. */
  notes: string[];
}

export interface Tolerances {
  /** USD a local cost may differ from the billed one regardless of size. */
  costAbs: number;
  /** Fraction of the billed cost a local cost may differ by. */
  costRel: number;
  tokensAbs: number;
  tokensRel: number;
}

export const DEFAULT_TOLERANCES: Tolerances = { costAbs: 0.000001, costRel: 0.01, tokensAbs: 2, tokensRel: 0.02 };

const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$/;

/** `openai/gpt-4.1-2025-04-14` → `openai/gpt-4.1`; the permaslug and the slug name one model. */
export function baseModel(model: string): string {
  return model.trim().toLowerCase().replace(DATE_SUFFIX, '');
}

/** Model identity from `/models` (`openrouter/model-identity.ts` `ModelIndex`). */
type ModelNames = { same(a: string, b: string): boolean; knows(name: string): boolean };

function sameModel(local: string, g: BilledGeneration, models?: ModelNames): boolean {
  const l = local.trim().toLowerCase();
  if (l === g.model.toLowerCase() || (g.router && l === g.router.toLowerCase())) return true;
  // Permaslug ↔ slug through /models (issue 12); the string heuristic only when /models knows neither.
  if (models && (models.knows(local) || models.knows(g.model))) return models.same(local, g.model);
  return baseModel(l) === baseModel(g.model) || g.model.toLowerCase().startsWith(`${l}-`);
}

const within = (a: number, b: number, abs: number, rel: number) => Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));

/** USD for report lines, without depending on the chat formatter: enough digits to see a difference. */
export function usd(n: number): string {
  if (n === 0) return '$0';
  const abs = Number(Math.abs(n).toPrecision(4));
  const digits = abs >= 1 ? 2 : Math.min(10, Math.max(4, 3 - Math.floor(Math.log10(abs))));
  return `${n < 0 ? '-' : ''}$${abs.toFixed(digits)}`;
}

function pct(local: number, ref: number): string {
  if (ref === 0) return '';
  const p = ((local - ref) / ref) * 100;
  return ` (${p > 0 ? '+' : ''}${p.toFixed(1)}%)`;
}

function compareCost(cost: number, g: BilledGeneration, tol: Tolerances, f: Finding): void {
  const billed = g.totalCost;
  const upstream = g.isByok ? (g.upstreamInferenceCost ?? 0) : 0;
  const ok = (ref: number) => within(cost, ref, tol.costAbs, tol.costRel);
  if (ok(billed)) return;
  if (g.isByok && upstream > 0 && ok(billed + upstream)) {
    f.notes.push(`BYOK: ${usd(billed)} from OpenRouter + ${usd(upstream)} billed by the provider`);
    return;
  }
  f.kinds.push('cost');
  const byok = g.isByok ? ` + ${usd(upstream)} BYOK provider bill` : '';
  f.issues.push(`cost ${usd(cost)} vs billed ${usd(billed)}${byok}${pct(cost, billed + upstream)}`);
  const discount = g.cacheDiscount ?? 0;
  if (discount !== 0 && ok(billed + discount)) {
    f.notes.push(
      discount > 0
        ? `the local cost ignores the cache discount of ${usd(discount)}`
        : `the local cost ignores the cache write premium of ${usd(-discount)}`,
    );
  } else if (g.isByok && upstream > 0 && ok(upstream)) {
    f.notes.push(`the local cost is the provider's BYOK bill; OpenRouter also charged ${usd(billed)}`);
  } else if (billed === 0 && (g.finishReason === 'error' || g.nativeTokensCompletion === 0)) {
    f.notes.push('OpenRouter did not charge this request (zero completion insurance)');
  }
}

function compareTokens(
  kind: 'tokens_in' | 'tokens_out',
  local: number,
  native: number | null,
  normalised: number | null,
  tol: Tolerances,
  f: Finding,
): void {
  const refs = [native, normalised].filter((n): n is number => n !== null);
  if (refs.length === 0 || refs.some((ref) => within(local, ref, tol.tokensAbs, tol.tokensRel))) return;
  const ref = refs[0] as number;
  f.kinds.push(kind);
  f.issues.push(`${kind} ${local.toLocaleString('en-US')} vs ${ref.toLocaleString('en-US')}${pct(local, ref)}`);
}

/** Classifies one row. Status precedence: duplicate, then the lookup outcome, then differences. */
export function classify(row: ReportRow, tol: Tolerances = DEFAULT_TOLERANCES, models?: ModelNames): Finding {
  const f: Finding = { status: 'match', kinds: [], issues: [], notes: [] };
  if (row.duplicateOfLine !== undefined) {
    f.kinds.push('duplicate');
    f.issues.push(row.duplicateOfLine > 0 ? `duplicate of line ${row.duplicateOfLine}` : 'duplicate id');
    f.status = 'duplicate';
    return f;
  }
  const { lookup } = row;
  switch (lookup.kind) {
    case 'not_found':
      f.kinds.push('unknown_id');
      f.issues.push('OpenRouter does not know this id (another account, a mistyped id, or never billed)');
      f.status = 'unknown';
      return f;
    case 'other_account':
      f.kinds.push('other_account');
      f.issues.push('the id belongs to another OpenRouter account');
      f.status = 'other_account';
      return f;
    case 'pending':
      f.kinds.push('pending');
      f.issues.push('not published by OpenRouter yet (or not looked up yet)');
      f.status = 'pending';
      return f;
    case 'failed':
      f.kinds.push('lookup_failed');
      f.issues.push(`lookup failed: ${lookup.message}`);
      f.status = 'failed';
      return f;
    case 'found':
      break;
  }
  const g = lookup.generation;
  if (row.cost !== null) compareCost(row.cost, g, tol, f);
  if (row.tokensIn !== null) compareTokens('tokens_in', row.tokensIn, g.nativeTokensPrompt, g.tokensPrompt, tol, f);
  if (row.tokensOut !== null) {
    compareTokens('tokens_out', row.tokensOut, g.nativeTokensCompletion, g.tokensCompletion, tol, f);
  }
  if (row.model !== null && !sameModel(row.model, g, models)) {
    f.kinds.push('model');
    f.issues.push(`model ${row.model} vs ${g.model}`);
  }
  if (f.kinds.length > 0) f.status = 'mismatch';
  return f;
}

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

/** One report line: `line 12  gen-…  mismatch  cost $0.0100 vs billed $0.0150 (-33.3%)`. */
export function formatFindingLine(row: ReportRow, f: Finding): string {
  const where = row.line === null ? row.source.padEnd(10) : `line ${row.line}`.padEnd(10);
  const what = [...f.issues, ...f.notes.map((n) => `(${n})`)].join('; ');
  return `${where}  ${row.requestId.padEnd(38)}  ${f.status.padEnd(13)}  ${what || 'ok'}`.trimEnd();
}

export function formatMalformedLine(line: number, error: string): string {
  return `${`line ${line}`.padEnd(10)}  ${'-'.padEnd(38)}  ${'malformed'.padEnd(13)}  ${error}`;
}

/** Local totals for a (UTC day, model). */
export interface LocalDayModel {
  day: string;
  model: string;
  /** Distinct ids. */
  requests: number;
  localCost: number;
  /** OpenRouter's charge for the ids it knows. */
  billedCost: number;
}

/** Synced `/activity` totals for a (UTC day, model). */
export interface ActivityDayModel {
  day: string;
  model: string;
  modelPermaslug: string;
  requests: number;
  usage: number;
}

export interface DayModelComparison {
  day: string;
  model: string;
  localRequests: number;
  localCost: number;
  billedCost: number;
  /** `null` when no activity was synced for that day and model. */
  activityRequests: number | null;
  activityUsage: number | null;
  status: 'match' | 'local_higher' | 'activity_higher' | 'no_activity';
}

/**
 * Local per-day-and-model totals against synced activity. Activity covers the whole account (every
 * app and key), so activity above the local total is normal; local above activity is suspicious.
 */
export function compareDays(
  local: readonly LocalDayModel[],
  activity: readonly ActivityDayModel[],
  tol: Tolerances = DEFAULT_TOLERANCES,
): DayModelComparison[] {
  const act = new Map<string, { requests: number; usage: number }>();
  for (const a of activity) {
    const key = `${a.day}|${baseModel(a.model)}`;
    const cur = act.get(key) ?? { requests: 0, usage: 0 };
    act.set(key, { requests: cur.requests + a.requests, usage: cur.usage + a.usage });
  }
  const merged = new Map<string, LocalDayModel>();
  for (const l of local) {
    const key = `${l.day}|${baseModel(l.model)}`;
    const cur = merged.get(key);
    merged.set(
      key,
      cur
        ? {
            ...cur,
            requests: cur.requests + l.requests,
            localCost: cur.localCost + l.localCost,
            billedCost: cur.billedCost + l.billedCost,
          }
        : { ...l },
    );
  }
  const out: DayModelComparison[] = [];
  for (const [key, l] of merged) {
    const a = act.get(key);
    let status: DayModelComparison['status'] = 'no_activity';
    if (a) {
      const costOk = within(l.localCost, a.usage, tol.costAbs, tol.costRel);
      if (costOk && l.requests === a.requests) status = 'match';
      else if (l.localCost > a.usage + Math.max(tol.costAbs, tol.costRel * a.usage) || l.requests > a.requests) {
        status = 'local_higher';
      } else status = 'activity_higher';
    }
    out.push({
      day: l.day,
      model: l.model,
      localRequests: l.requests,
      localCost: l.localCost,
      billedCost: l.billedCost,
      activityRequests: a?.requests ?? null,
      activityUsage: a?.usage ?? null,
      status,
    });
  }
  return out.sort((x, y) => x.day.localeCompare(y.day) || x.model.localeCompare(y.model));
}

export interface TagSpend {
  /** `null` = rows without a tag. */
  tag: string | null;
  requests: number;
  localCost: number;
  billedCost: number;
}

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
      r.localRequests.toLocaleString('en-US'),
      usd(r.localCost),
      usd(r.billedCost),
      r.activityRequests === null ? '-' : r.activityRequests.toLocaleString('en-US'),
      r.activityUsage === null ? '-' : usd(r.activityUsage),
      STATUS_WORDS[r.status],
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
}

export function tagTable(rows: readonly TagSpend[]): string {
  return textTable(
    ['tag', 'requests', 'local cost', 'billed'],
    rows.map((t) => [t.tag ?? '(untagged)', t.requests.toLocaleString('en-US'), usd(t.localCost), usd(t.billedCost)]),
    ['left', 'right', 'right', 'right'],
  );
}

/** The closing lines of a report: counts by outcome and the money. */
export function summaryLines(s: ReconcileSummary): string[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const diff = s.localCostOfKnown - s.billedCost;
  return [
    `Rows: ${n(s.rows)} · matching ${n(s.byStatus.match)} · differing ${n(s.byStatus.mismatch)} · unknown to OpenRouter ${n(s.byStatus.unknown)} · other account ${n(s.byStatus.other_account)} · duplicates ${n(s.byStatus.duplicate)} · pending ${n(s.byStatus.pending)} · lookup failed ${n(s.byStatus.failed)} · malformed lines ${n(s.malformed)}`,
    `Cost of ids OpenRouter knows: local ${usd(s.localCostOfKnown)} vs billed ${usd(s.billedCost)} (${diff >= 0 ? '+' : '-'}${usd(Math.abs(diff))}); all local rows ${usd(s.localCost)}`,
  ];
}
