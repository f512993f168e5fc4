/**
 * What reconciliation compares: one stored local log row, OpenRouter's `/generation` figures for it,
 * the finding, and the tolerances a difference must exceed.
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

/** True when `a` is within `abs` or `rel` (relative to `b`) of `b`. */
export const within = (a: number, b: number, abs: number, rel: number) =>
  Math.abs(a - b) <= Math.max(abs, rel * Math.abs(b));
