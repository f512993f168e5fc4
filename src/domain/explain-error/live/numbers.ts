/**
 * Reading the live account numbers: known or not, and what counts as exhausted.
 * @module
 */
export const LOW_USD = 0.05; // "a few cents": below this the balance or key limit counts as exhausted

export function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
