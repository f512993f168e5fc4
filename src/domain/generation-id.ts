/**
 * OpenRouter generation ids: `gen-<10-digit unix seconds>-<20 chars>` today, `gen-<random>` in older
 * examples. Accept `^gen-[A-Za-z0-9-]+$` (reference §4.2) and never assume the timestamp form.
 * @module
 */

export const GEN_ID_PATTERN = /^gen-[A-Za-z0-9-]+$/;
export const GEN_ID_MAX_LENGTH = 64;
/** An id standing as a word in free text (Slack wraps in `<…>`, code in backticks). */
const GEN_ID_IN_TEXT = /(?<![A-Za-z0-9_-])gen-[A-Za-z0-9-]{3,64}(?![A-Za-z0-9_-])/g;
/** Text beyond this is not scanned for ids. */
const MAX_SCAN = 100_000;
const PREFIX = /^gen-/i;

export function isGenerationId(s: string): boolean {
  return s.length <= GEN_ID_MAX_LENGTH && GEN_ID_PATTERN.test(s);
}

function show(s: string): string {
  const clean = Array.from(s.slice(0, 40), (ch) => (/[\w\-.:/]/.test(ch) ? ch : '?')).join('');
  return s.length > 40 ? `${clean}…` : clean;
}

/** Checks a user-supplied id; the reason never echoes more than 40 (sanitised) characters. */
export function validateGenerationId(input: string): { ok: true; id: string } | { ok: false; reason: string } {
  const s = input.trim();
  if (!PREFIX.test(s)) {
    return {
      ok: false,
      reason: `"${show(s)}" is not a request id: they start with gen-, e.g. gen-1754553763-Fo6eODcuRTI4SOm6VCIQ.`,
    };
  }
  if (s.length > GEN_ID_MAX_LENGTH) {
    return { ok: false, reason: `That request id is too long (${s.length} characters; real ones have about 35).` };
  }
  const id = `gen-${s.slice(4)}`;
  if (!GEN_ID_PATTERN.test(id) || id.length < 8) {
    return {
      ok: false,
      reason: `"${show(s)}" is not a valid request id: after gen- only letters, digits and dashes are allowed.`,
    };
  }
  return { ok: true, id };
}

/** Distinct ids that stand as words in `text`, in order, at most `max`. Bounded work on any input. */
export function findGenerationIds(text: string, max = 3): string[] {
  const found: string[] = [];
  for (const m of text.slice(0, MAX_SCAN).matchAll(GEN_ID_IN_TEXT)) {
    const id = m[0];
    if (id.endsWith('-') || found.includes(id)) continue;
    found.push(id);
    if (found.length >= max) break;
  }
  return found;
}
