/**
 * Which key a person means by `keys <name>`: its exact name (any case), else a prefix of exactly one
 * name, else a prefix (4+ hex digits) of exactly one hash. Anything else is refused with the candidates.
 * @module
 */

import { quote } from '../grammar.js';

/** The least a key needs for resolution: its name and hash. */
interface NamedKey {
  name: string;
  hash: string;
}

type Resolution<K extends NamedKey> =
  | { ok: true; key: K }
  | { ok: false; reason: 'none' | 'ambiguous'; message: string; candidates: K[] };

const HASH_PREFIX = /^[0-9a-f]{4,}$/i;
const MAX_CANDIDATES = 8;

function candidatesText(keys: readonly NamedKey[]): string {
  const shown = keys.slice(0, MAX_CANDIDATES).map((k) => `${k.name} (${k.hash.slice(0, 8)})`);
  const more = keys.length > MAX_CANDIDATES ? `, and ${keys.length - MAX_CANDIDATES} more` : '';
  return `${shown.join(', ')}${more}`;
}

/**
 * @example resolveKey(keys, 'prod') // { ok: true, key: production } when no other name starts with "prod"
 */
export function resolveKey<K extends NamedKey>(keys: readonly K[], query: string): Resolution<K> {
  const q = query.trim().toLowerCase();
  // Echoed input is shortened and secret-masked (a pasted sk-or-… key is never repeated back).
  const shown = quote(query.trim());
  if (q === '') return { ok: false, reason: 'none', message: 'Name a key: `keys <name>`.', candidates: [] };
  const exact = keys.filter((k) => k.name.toLowerCase() === q);
  if (exact.length === 1 && exact[0]) return { ok: true, key: exact[0] };
  if (exact.length > 1) {
    return {
      ok: false,
      reason: 'ambiguous',
      message: `${exact.length} keys are named "${shown}": ${candidatesText(exact)}. Use a hash prefix instead.`,
      candidates: exact,
    };
  }
  const byName = keys.filter((k) => k.name.toLowerCase().startsWith(q));
  const byHash = HASH_PREFIX.test(q) ? keys.filter((k) => k.hash.toLowerCase().startsWith(q)) : [];
  const matches = [...byName, ...byHash.filter((k) => !byName.includes(k))];
  if (matches.length === 1 && matches[0]) return { ok: true, key: matches[0] };
  if (matches.length > 1) {
    return {
      ok: false,
      reason: 'ambiguous',
      message: `"${shown}" matches ${matches.length} keys: ${candidatesText(matches)}. Type more of the name, or a hash prefix.`,
      candidates: matches,
    };
  }
  return {
    ok: false,
    reason: 'none',
    message: `No key is named "${shown}" (nor starts with it). \`keys\` lists them all.`,
    candidates: [],
  };
}
