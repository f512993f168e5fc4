/**
 * One local log row against OpenRouter's `/generation` answer (BYOK and cache discount read as in
 * reference §9.1). Pure: no I/O, no clock.
 * @module
 */
import { formatTokens, formatUsdPrecise } from '../../domain/money.js';
import {
  type BilledGeneration,
  DEFAULT_TOLERANCES,
  type Finding,
  type ReportRow,
  type Tolerances,
  within,
} from './rows.js';

const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$/;

/** `openai/gpt-4.1-2025-04-14` → `openai/gpt-4.1`; the permaslug and the slug name one model. */
export function baseModel(model: string): string {
  return model.trim().toLowerCase().replace(DATE_SUFFIX, '');
}

/** Model identity from `/models` (`openrouter/model-identity.ts` `ModelIndex`). */
export type ModelNames = { same(a: string, b: string): boolean; knows(name: string): boolean };

function sameModel(local: string, g: BilledGeneration, models?: ModelNames): boolean {
  const l = local.trim().toLowerCase();
  if (l === g.model.toLowerCase() || (g.router && l === g.router.toLowerCase())) return true;
  // Permaslug ↔ slug through /models (issue 12); the string heuristic only when /models knows neither.
  if (models && (models.knows(local) || models.knows(g.model))) return models.same(local, g.model);
  return baseModel(l) === baseModel(g.model) || g.model.toLowerCase().startsWith(`${l}-`);
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
    f.notes.push(
      `BYOK: ${formatUsdPrecise(billed)} from OpenRouter + ${formatUsdPrecise(upstream)} billed by the provider`,
    );
    return;
  }
  f.kinds.push('cost');
  const byok = g.isByok ? ` + ${formatUsdPrecise(upstream)} BYOK provider bill` : '';
  f.issues.push(
    `cost ${formatUsdPrecise(cost)} vs billed ${formatUsdPrecise(billed)}${byok}${pct(cost, billed + upstream)}`,
  );
  const discount = g.cacheDiscount ?? 0;
  if (discount !== 0 && ok(billed + discount)) {
    f.notes.push(
      discount > 0
        ? `the local cost ignores the cache discount of ${formatUsdPrecise(discount)}`
        : `the local cost ignores the cache write premium of ${formatUsdPrecise(-discount)}`,
    );
  } else if (g.isByok && upstream > 0 && ok(upstream)) {
    f.notes.push(`the local cost is the provider's BYOK bill; OpenRouter also charged ${formatUsdPrecise(billed)}`);
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
  f.issues.push(`${kind} ${formatTokens(local)} vs ${formatTokens(ref)}${pct(local, ref)}`);
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
