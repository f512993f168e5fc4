/**
 * Finds the JSON-ish objects inside a paste: SSE `data:` lines that mention an error first
 * (shared/reference/openrouter-api.md §9), then the first `{` positions.
 * @module
 */
import { matchBrace, parseLoose } from './loose-json.js';
import { MAX_CANDIDATES, type Obj } from './text.js';

/** Parses up to a few JSON-ish objects found in the text (SSE `data:` lines with an error first). */
export function findObjects(text: string): Obj[] {
  const found: Obj[] = [];
  const starts: number[] = [];
  // SSE: prefer data lines that mention an error, then the last data line.
  if (/^\s*data:/m.test(text)) {
    const lines: number[] = [];
    const re = /^[ \t]*data:[ \t]*(?=\{)/gm;
    let m: RegExpExecArray | null = re.exec(text);
    while (m !== null && lines.length < 2_000) {
      lines.push(m.index + m[0].length);
      m = re.exec(text);
    }
    const withError = lines.filter((pos) => {
      const end = text.indexOf('\n', pos);
      return /error/i.test(text.slice(pos, end === -1 ? undefined : end));
    });
    starts.push(...withError.slice(0, 6));
    const lastLine = lines[lines.length - 1];
    if (lastLine !== undefined) starts.push(lastLine);
  }
  // Otherwise (and as well): the first `{` positions; a JSON error body usually starts at one of them.
  let pos = text.indexOf('{');
  let general = 0;
  while (pos !== -1 && general < MAX_CANDIDATES) {
    if (!starts.includes(pos)) starts.push(pos);
    general++;
    pos = text.indexOf('{', pos + 1);
  }
  const ranges: [number, number][] = [];
  let tried = 0;
  for (const start of starts) {
    if (tried >= MAX_CANDIDATES + 8 || found.length >= 8) break;
    if (ranges.some(([a, b]) => start > a && start <= b)) continue; // inside an object already parsed
    tried++;
    const end = matchBrace(text, start);
    if (end === -1) continue;
    const obj = parseLoose(text.slice(start, end + 1));
    if (obj) {
      found.push(obj);
      ranges.push([start, end]);
    }
  }
  return found;
}
