/**
 * Local request logs (contract §6): JSON lines or a CSV with a header, read as a stream so a file
 * of millions of lines never sits in memory. Every input line either yields a record or an error
 * naming its line number; unknown fields are kept in `extra`.
 * @module
 */
import { parse as parseCsvText } from 'csv-parse/sync';

/** One local request log, normalised. `null` = the field was absent or empty. */
export interface LogRecord {
  /** The `gen-…` id. */
  requestId: string;
  timestamp: Date | null;
  model: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** What the app computed, USD. */
  cost: number | null;
  /** Feature, team or user the app attributes the call to. */
  tag: string | null;
  /** Every field this parser does not model, as read. */
  extra: Record<string, unknown>;
}

/** One input line (or CSV record, numbered by the line it starts on): a record or why not. */
export type LineResult = { ok: true; line: number; record: LogRecord } | { ok: false; line: number; error: string };

export type LogFormat = 'jsonl' | 'csv';

/** Longest line (or CSV record) read; longer ones are reported and skipped without being buffered. */
const MAX_LINE_BYTES = 64 * 1024;

const GEN_ID = /^gen-[A-Za-z0-9-]{1,200}$/;
const INTEGER = /^(?:\d+|\d{1,3}(?:,\d{3})+)$/;
const DECIMAL = /^\$?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const KNOWN = new Set(['request_id', 'timestamp', 'model', 'tokens_in', 'tokens_out', 'cost', 'tag']);
const MAX_TEXT = 200;

/** `x.csv` → csv; `x.jsonl`, `x.ndjson`, `x.json` → jsonl; anything else → null (sniff the content). */
export function formatFromPath(path: string): LogFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  return null;
}

/** Guesses the format from the first non-blank character: `{` is JSON lines, anything else CSV. */
export function sniffFormat(head: string): LogFormat {
  return head
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'jsonl'
    : 'csv';
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function readCount(name: string, v: unknown): number | null | string {
  if (isBlank(v)) return null;
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && INTEGER.test(v.trim())
        ? Number(v.trim().replaceAll(',', ''))
        : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) return `${name} must be a whole number of tokens ≥ 0, not "${shown(v)}"`;
  return n;
}

function readCost(v: unknown): number | null | string {
  if (isBlank(v)) return null;
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && DECIMAL.test(v.trim())
        ? Number(v.trim().replace('$', ''))
        : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1e6) return `cost must be an amount of USD ≥ 0, not "${shown(v)}"`;
  return n;
}

function readTimestamp(v: unknown): Date | null | string {
  if (isBlank(v)) return null;
  let ms = Number.NaN;
  const numeric =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+(?:\.\d+)?$/.test(v.trim()) ? Number(v) : null;
  if (numeric !== null) ms = numeric < 1e11 ? numeric * 1000 : numeric < 1e14 ? numeric : numeric / 1e6;
  else if (typeof v === 'string' && ISO_DATE.test(v.trim())) ms = Date.parse(v.trim().replace(' ', 'T'));
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 2200) {
    return `timestamp must be an ISO 8601 time or Unix seconds/milliseconds, not "${shown(v)}"`;
  }
  return date;
}

function readText(name: string, v: unknown): string | null | { error: string } {
  if (isBlank(v)) return null;
  if (typeof v !== 'string' && typeof v !== 'number') return { error: `${name} must be text, not ${shown(v)}` };
  const text = String(v).trim();
  return text.length > MAX_TEXT ? { error: `${name} is longer than ${MAX_TEXT} characters` } : text;
}

/**
 * Validates one record given as field → value (JSON values, or CSV strings where "" is absent).
 * Field names match case-insensitively; unknown ones go to `extra` untouched.
 */
export function normaliseRecord(fields: Record<string, unknown>): LogRecord | { error: string } {
  const known: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const lower = key.trim().toLowerCase();
    if (KNOWN.has(lower)) known[lower] = value;
    else extra[key] = value;
  }
  const id = known.request_id;
  if (isBlank(id)) return { error: 'request_id is missing' };
  if (typeof id !== 'string' || !GEN_ID.test(id.trim())) {
    return { error: `request_id "${shown(id)}" is not an OpenRouter generation id (gen-…)` };
  }
  const timestamp = readTimestamp(known.timestamp);
  if (typeof timestamp === 'string') return { error: timestamp };
  const tokensIn = readCount('tokens_in', known.tokens_in);
  if (typeof tokensIn === 'string') return { error: tokensIn };
  const tokensOut = readCount('tokens_out', known.tokens_out);
  if (typeof tokensOut === 'string') return { error: tokensOut };
  const cost = readCost(known.cost);
  if (typeof cost === 'string') return { error: cost };
  const model = readText('model', known.model);
  if (model !== null && typeof model === 'object') return model;
  const tag = readText('tag', known.tag);
  if (tag !== null && typeof tag === 'object') return tag;
  return { requestId: id.trim(), timestamp, model, tokensIn, tokensOut, cost, tag, extra };
}

/** One JSON line → a record or an error message. */
function parseJsonLine(text: string): LogRecord | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      error: `not valid JSON (${error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 80) : 'parse error'})`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'expected a JSON object' };
  return normaliseRecord(value as Record<string, unknown>);
}

type Chunk = string | Uint8Array;
/** Any byte or text stream: a file stream, an HTTP request, or an array of chunks. */
export type LogSource = AsyncIterable<Chunk> | Iterable<Chunk>;

/** Decodes UTF-8 chunks (split multi-byte characters included) and drops a leading BOM. */
async function* decode(source: LogSource): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Physical lines with their 1-based numbers; an overlong line comes back as `tooLong` with no text. */
export async function* splitLines(
  source: LogSource,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<{ line: number; text: string; tooLong: boolean }> {
  let buffer = '';
  let tooLong = false;
  let line = 0;
  for await (const text of decode(source)) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      line += 1;
      const piece = tooLong ? '' : buffer + text.slice(start, nl);
      yield {
        line,
        text: tooLong ? '' : piece.endsWith('\r') ? piece.slice(0, -1) : piece,
        tooLong: tooLong || piece.length > maxLineBytes,
      };
      buffer = '';
      tooLong = false;
      start = nl + 1;
    }
    if (!tooLong) {
      buffer += text.slice(start);
      if (buffer.length > maxLineBytes) {
        buffer = '';
        tooLong = true;
      }
    }
  }
  if (buffer !== '' || tooLong) {
    line += 1;
    yield { line, text: buffer.endsWith('\r') ? buffer.slice(0, -1) : buffer, tooLong };
  }
}

/** JSON lines → one result per non-blank line. */
export async function* parseJsonLines(source: LogSource, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LineResult> {
  for await (const { line, text, tooLong } of splitLines(source, maxLineBytes)) {
    if (tooLong) {
      yield { ok: false, line, error: `line is longer than ${maxLineBytes.toLocaleString('en-US')} characters` };
      continue;
    }
    if (text.trim() === '') continue;
    const parsed = parseJsonLine(text);
    yield 'error' in parsed ? { ok: false, line, error: parsed.error } : { ok: true, line, record: parsed };
  }
}

export interface CsvRow {
  /** The line the record starts on. */
  line: number;
  fields: string[];
  /** Set when the record is malformed; `fields` is then partial. */
  error?: string;
}

/** The header's delimiter: the most frequent of `,` `;` and tab (a spreadsheet in a comma-decimal locale writes `;`). */
function sniffDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const n = header.split(d).length - 1;
    if (n > bestCount) [best, bestCount] = [d, n];
  }
  return best;
}

const quotes = (text: string) => text.split('"').length - 1;

/** One record's text → its fields, by csv-parse; an unclosed quote is an error for this record only. */
function fieldsOf(text: string, delimiter: string): { fields: string[] } | { error: string } {
  try {
    const rows = parseCsvText(text, {
      delimiter,
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
    }) as string[][];
    return { fields: rows[0] ?? [''] };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') return { error: 'a quoted field is never closed' };
    return { error: String((error as Error).message).split('\n')[0] ?? 'malformed record' };
  }
}

/**
 * CSV rows, read as a stream of lines and parsed by csv-parse: `"`-quoted fields may hold the
 * delimiter, `""` and newlines (a record runs on while its quotes are unbalanced); CRLF or LF line
 * ends; a BOM is dropped; the delimiter (`,`, `;` or tab) is taken from the header. Each row keeps
 * the line it starts on; overlong records and an unclosed quote are errors for that record only.
 * A stray quote inside an unquoted field is kept literally.
 */
export async function* parseCsvRows(source: LogSource, maxRecordBytes = MAX_LINE_BYTES): AsyncGenerator<CsvRow> {
  let delimiter: string | undefined;
  let record: { line: number; text: string } | undefined;
  const overlong = `record is longer than ${maxRecordBytes.toLocaleString('en-US')} characters`;
  const finish = (r: { line: number; text: string }): CsvRow => {
    delimiter ??= sniffDelimiter(r.text.split('\n', 1)[0] ?? '');
    const parsed = fieldsOf(r.text, delimiter);
    return 'error' in parsed
      ? { line: r.line, fields: [], error: parsed.error }
      : { line: r.line, fields: parsed.fields };
  };
  for await (const { line, text, tooLong } of splitLines(source, maxRecordBytes)) {
    if (!record && !tooLong && text.trim() === '') continue;
    const startLine = record?.line ?? line;
    if (tooLong || (record && record.text.length + text.length + 1 > maxRecordBytes)) {
      yield { line: startLine, fields: [], error: overlong };
      record = undefined;
      continue;
    }
    record = record ? { line: record.line, text: `${record.text}\n${text}` } : { line, text };
    if (quotes(record.text) % 2 === 0) {
      yield finish(record);
      record = undefined;
    }
  }
  if (record) yield finish(record);
}

/** CSV with a header row → one result per non-blank record. */
export async function* parseCsv(source: LogSource, maxRecordBytes = MAX_LINE_BYTES): AsyncGenerator<LineResult> {
  let header: string[] | undefined;
  for await (const row of parseCsvRows(source, maxRecordBytes)) {
    if (!header) {
      if (row.error) {
        yield { ok: false, line: row.line, error: `header: ${row.error}` };
        return;
      }
      header = row.fields.map((h) => h.trim());
      if (!header.some((h) => h.toLowerCase() === 'request_id')) {
        yield { ok: false, line: row.line, error: 'the header has no request_id column' };
        return;
      }
      continue;
    }
    if (row.error) {
      yield { ok: false, line: row.line, error: row.error };
      continue;
    }
    if (row.fields.length !== header.length) {
      yield {
        ok: false,
        line: row.line,
        error: `expected ${header.length} fields as in the header, found ${row.fields.length}`,
      };
      continue;
    }
    const obj: Record<string, unknown> = {};
    header.forEach((name, i) => {
      obj[name] = row.fields[i];
    });
    const parsed = normaliseRecord(obj);
    yield 'error' in parsed
      ? { ok: false, line: row.line, error: parsed.error }
      : { ok: true, line: row.line, record: parsed };
  }
}

/** Parses a stream in the given format. */
export function parseLogs(source: LogSource, format: LogFormat): AsyncGenerator<LineResult> {
  return format === 'csv' ? parseCsv(source) : parseJsonLines(source);
}
