/**
 * The OpenRouter error envelope inside a parsed object (shared/reference/openrouter-api.md §1.3:
 * `{ error: { code, message, metadata } }`, and the older nested `error.error`), completions that
 * ended with finish_reason "error" (§9), and bounded copies of `metadata`.
 * @module
 */
import { isObj, MAX_WALK, type Obj, safeText, toStatus } from './text.js';

/** The object holding `code`/`message` (following `error`, and `error.error` of the older nested form). */
export function findEnvelope(root: Obj): { err?: Obj; errString?: string; holder: Obj } {
  const queue: { o: Obj; depth: number }[] = [{ o: root, depth: 0 }];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_WALK) {
    const { o, depth } = queue.shift() as { o: Obj; depth: number };
    visited++;
    const e = o.error;
    if (isObj(e)) {
      const inner = e.error;
      if (isObj(inner)) return { err: { ...e, ...inner, metadata: inner.metadata ?? e.metadata }, holder: o };
      return { err: e, holder: o };
    }
    if (typeof e === 'string' && e.trim()) return { errString: e, holder: o };
    if ((toStatus(o.code) !== undefined || toStatus(o.status) !== undefined) && typeof o.message === 'string') {
      return { err: o, holder: o };
    }
    if (depth >= 5) continue;
    for (const v of Object.values(o).slice(0, 50)) {
      if (isObj(v)) queue.push({ o: v, depth: depth + 1 });
      else if (Array.isArray(v)) for (const x of v.slice(0, 10)) if (isObj(x)) queue.push({ o: x, depth: depth + 1 });
    }
  }
  return { holder: root };
}

export function hasFinishReasonError(o: Obj): boolean {
  const choices = o.choices;
  if (!Array.isArray(choices)) return false;
  return choices.slice(0, 20).some((c) => isObj(c) && c.finish_reason === 'error');
}

export function scoreObject(o: Obj): number {
  const env = findEnvelope(o);
  let s = 0;
  if (env.err || env.errString) s += 4;
  if (hasFinishReasonError(o)) s += 2;
  if (typeof o.object === 'string' && o.object.startsWith('chat.completion')) s += 1;
  return s;
}

/** Bounded deep copy of metadata: depth 4, 50 keys, 20 array items, strings masked and ≤ 500 chars. */
export function sanitize(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return safeText(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v;
  if (depth >= 4) return undefined;
  if (Array.isArray(v)) return v.slice(0, 20).map((x) => sanitize(x, depth + 1));
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v).slice(0, 50)) {
      const s = sanitize(x, depth + 1);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return undefined;
}
