/**
 * Suggestions for typed options (Discord autocomplete): model ids from live `/models`, IANA zones.
 * @module
 */
import type { Services } from '../core/services.js';

const MAX_CHOICES = 25;
let zones: string[] | undefined;

function allZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

function rank(candidates: readonly string[], partial: string): string[] {
  const q = partial.trim().toLowerCase().slice(0, 100);
  if (!q) return candidates.slice(0, MAX_CHOICES);
  const starts = candidates.filter(
    (c) => c.toLowerCase().startsWith(q) || c.toLowerCase().split('/').pop()?.startsWith(q),
  );
  const contains = candidates.filter((c) => !starts.includes(c) && c.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, MAX_CHOICES);
}

/** Up to 25 suggestions for `partial`; never throws (an empty list when OpenRouter is down). */
export async function autocomplete(
  services: Services,
  source: 'model' | 'timezone',
  partial: string,
): Promise<string[]> {
  if (source === 'timezone') return rank(allZones(), partial);
  try {
    const models = await services.openrouter.listModels({ budgetMs: 2_000 });
    return rank(
      models.map((m) => m.id),
      partial,
    );
  } catch {
    return [];
  }
}
