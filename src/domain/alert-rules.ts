/**
 * The alert state machine: fire once per crossing, stay quiet while fired, re-arm only when the
 * condition clears with some hysteresis, so a balance hovering at the threshold does not flap.
 * @module
 */

export type AlertKind = 'below' | 'runway' | 'spike';
export type AlertVerdict = 'fire' | 'clear' | 'none';

export interface AlertInput {
  kind: AlertKind;
  /** USD for `below`, days for `runway`, a factor over the trailing average for `spike`. */
  threshold: number;
  state: 'armed' | 'fired';
  /** Balance (USD), runway (days) or today's spend ÷ trailing average; null when unknown. */
  value: number | null;
}

/** The value at which a fired rule re-arms. */
export function clearLevel(kind: AlertKind, threshold: number): number {
  switch (kind) {
    case 'below':
      return Math.max(threshold * 1.05, threshold + 1);
    case 'runway':
      return threshold + Math.max(1, threshold * 0.1);
    case 'spike':
      return threshold;
  }
}

export function isTriggered(kind: AlertKind, threshold: number, value: number): boolean {
  return kind === 'spike' ? value > threshold : value < threshold;
}

/**
 * What to do with a rule given the latest reading. Unknown values change nothing.
 * @example evaluateAlert({ kind: 'below', threshold: 50, state: 'armed', value: 42 }) // 'fire'
 */
export function evaluateAlert(input: AlertInput): AlertVerdict {
  const { kind, threshold, state, value } = input;
  if (value === null || !Number.isFinite(value)) return 'none';
  if (state === 'armed') return isTriggered(kind, threshold, value) ? 'fire' : 'none';
  const level = clearLevel(kind, threshold);
  const cleared = kind === 'spike' ? value <= level : value >= level;
  return cleared ? 'clear' : 'none';
}
