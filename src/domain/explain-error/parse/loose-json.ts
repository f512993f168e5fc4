/**
 * JSON and its near relatives as users paste them: a Python-repr dict from a log (single quotes,
 * True/False/None), trailing commas, `…` elisions.
 * @module
 */
import { isObj, type Obj } from './text.js';

/** Index of the brace closing the one at `start`, honouring '…' and "…" strings; -1 when unbalanced. */
export function matchBrace(s: string, start: number): number {
  let depth = 0;
  let quote = '';
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

const PY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

/**
 * Rewrites a Python-repr-ish or elided object into JSON: single-quoted strings, True/False/None,
 * trailing commas, and `…` / `...` placeholders (dropped, or `null` in value position).
 * Returns undefined when it cannot.
 */
function looseToJson(s: string): string | undefined {
  const out: string[] = [];
  let last = ''; // last significant character emitted
  const emit = (t: string) => {
    out.push(t);
    last = t[t.length - 1] ?? last;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      let val = '';
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\' && j + 1 < s.length) {
          const e = s[j + 1] as string;
          if (e === 'x' || e === 'u') {
            const len = e === 'x' ? 2 : 4;
            const hex = s.slice(j + 2, j + 2 + len);
            if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === len) {
              val += String.fromCharCode(Number.parseInt(hex, 16));
              j += 2 + len;
              continue;
            }
          }
          val += PY_ESCAPES[e] ?? e;
          j += 2;
          continue;
        }
        val += s[j];
        j++;
      }
      if (j >= s.length) return undefined;
      emit(JSON.stringify(val));
      i = j + 1;
      continue;
    }
    if (c === '…' || s.startsWith('...', i)) {
      if (last === ':') emit('null');
      i += c === '…' ? 1 : 3;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j] as string)) j++;
      const word = s.slice(i, j);
      emit(word === 'True' ? 'true' : word === 'False' ? 'false' : word === 'None' ? 'null' : word);
      i = j;
      continue;
    }
    if (c === ',') {
      if (last !== ',' && last !== '{' && last !== '[') emit(',');
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      if (last === ',') {
        // drop a trailing comma
        for (let k = out.length - 1; k >= 0; k--) {
          if (out[k] === ',') {
            out.splice(k, 1);
            break;
          }
        }
      }
      emit(c);
      i++;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      out.push(c);
      i++;
      continue;
    }
    emit(c);
    i++;
  }
  return out.join('');
}

export function parseLoose(chunk: string): Obj | undefined {
  try {
    const v: unknown = JSON.parse(chunk);
    if (isObj(v)) return v;
  } catch {
    // fall through to the tolerant form
  }
  const json = looseToJson(chunk);
  if (json === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(json);
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
