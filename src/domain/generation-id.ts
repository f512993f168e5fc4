/**
 * OpenRouter generation ids: `gen-<10-digit unix seconds>-<20 chars>` today, `gen-<random>` in older
 * examples. Accept `^gen-[A-Za-z0-9-]+$` (reference §4.2) and never assume the timestamp form.
 * @module
 */

/** What an id looks like (any letters, digits and dashes after `gen-`); see {@link GEN_ID_MAX_LENGTH}. */
export const GEN_ID_PATTERN = /^gen-[A-Za-z0-9-]+$/;
/** Longer input is not an id (real ones are about 35 characters). */
const GEN_ID_MAX_LENGTH = 64;
/** How much of the input a reason may quote. */
const ECHO_MAX = 40;
/**
 * An id standing as a word in free text: not glued to letters, digits, `_` or `-` on either side, so
 * `<gen-…>`, `` `gen-…` `` and `(gen-…)` match and `regen-…` does not. The bounded repetition and the
 * fixed-width look-arounds keep the work linear in the text (at most 60 steps back per `gen-`).
 */
const GEN_ID_IN_TEXT = /(?<![A-Za-z0-9_-])gen-[A-Za-z0-9-]{1,60}(?![A-Za-z0-9_-])/g;
/** Text beyond this is not scanned for ids. */
const MAX_SCAN = 100_000;
const PREFIX = /^gen-/i;
/** Characters a reason may quote as they are; others show as `?`. */
const SAFE_ECHO_CHAR = /[A-Za-z0-9_\-.:/]/;
/** Quotes, brackets and trailing punctuation around a typed id: `` `gen-…` ``, `<gen-…>`, `gen-…?`. */
const LEADING_WRAP = /^[`'"<([]+/;
const TRAILING_WRAP = /[`'">)\].,;:!?]+$/;
/** A dash-separated part that looks machine-made: 10+ letters or digits with at least one digit. */
const RANDOM_PART = /^(?=[A-Za-z]*\d)[A-Za-z0-9]{10,}$/;
const EXAMPLE = 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ';

/** True for a well-formed id of at most {@link GEN_ID_MAX_LENGTH} characters. */
export function isGenerationId(s: string): boolean {
  return s.length <= GEN_ID_MAX_LENGTH && GEN_ID_PATTERN.test(s);
}

function show(s: string): string {
  const clean = Array.from(s.slice(0, ECHO_MAX), (ch) => (SAFE_ECHO_CHAR.test(ch) ? ch : '?')).join('');
  return s.length > ECHO_MAX ? `${clean}…` : clean;
}

/**
 * Checks a user-supplied id (surrounding quotes, backticks, `<…>` and trailing punctuation are
 * dropped; a `GEN-` prefix is taken as `gen-`). The reason says what is wrong and the right form, and
 * quotes at most 40 characters of the input, with anything but letters, digits and `_-.:/` as `?`.
 * @example validateGenerationId('`gen-1754553763-Fo6eODcuRTI4SOm6VCIQ`') // { ok: true, id: 'gen-1754553763-Fo6…' }
 */
export function validateGenerationId(input: string): { ok: true; id: string } | { ok: false; reason: string } {
  const s = input.trim().replace(LEADING_WRAP, '').replace(TRAILING_WRAP, '');
  if (s === '') return { ok: false, reason: `No request id given: they look like ${EXAMPLE}.` };
  if (!PREFIX.test(s)) {
    return { ok: false, reason: `"${show(s)}" is not a request id: they start with gen-, e.g. ${EXAMPLE}.` };
  }
  if (s.length > GEN_ID_MAX_LENGTH) {
    return {
      ok: false,
      reason: `That request id is too long (${s.length} characters; at most ${GEN_ID_MAX_LENGTH}, real ones have about 35).`,
    };
  }
  if (s.length === 4) return { ok: false, reason: `The request id is missing after gen-, e.g. ${EXAMPLE}.` };
  const id = `gen-${s.slice(4)}`;
  if (!GEN_ID_PATTERN.test(id)) {
    return {
      ok: false,
      reason: `"${show(s)}" is not a valid request id: after gen- only letters, digits and dashes are allowed.`,
    };
  }
  return { ok: true, id };
}

/** Free text says `gen-ai-powered`; ids have a machine-made part (`1754553763`, `3bhGkxlo4XFrqiab…`). */
function looksGenerated(id: string): boolean {
  return id
    .slice(4)
    .split('-')
    .some((part) => RANDOM_PART.test(part));
}

/**
 * Distinct ids that stand as words in `text`, in order of appearance, at most `max`. Only ids with a
 * machine-made part count, so chatter like `gen-ai-powered` is not taken for an id (an explicit
 * `request <id>` goes through {@link validateGenerationId} instead). Only the first 100,000
 * characters are scanned, in linear time.
 * @example findGenerationIds('why did `gen-1754553763-Fo6eODcuRTI4SOm6VCIQ` cost so much?') // ['gen-1754553763-Fo6…']
 */
export function findGenerationIds(text: string, max = 3): string[] {
  const found = new Set<string>();
  if (max < 1) return [];
  const scanned = text.length > MAX_SCAN ? text.slice(0, MAX_SCAN) : text;
  const cut = scanned.length < text.length;
  for (const m of scanned.matchAll(GEN_ID_IN_TEXT)) {
    const id = m[0];
    if (cut && m.index + id.length === scanned.length) break; // may continue past the cut
    if (id.endsWith('-') || !isGenerationId(id) || !looksGenerated(id)) continue;
    found.add(id);
    if (found.size >= max) break;
  }
  return [...found];
}
