/**
 * OTLP JSON traces (an OpenRouter Broadcast webhook, reference §10) → local request logs.
 * OpenRouter does not document the attribute names for cost and the generation id, so this reads
 * every plausible name, accepts `stringValue` / `intValue` / `doubleValue` (integers as strings or
 * numbers) and keeps all other attributes in `extra.attributes`.
 * @module
 */
import type { LogRecord } from './parse-logs.js';

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** A span turned into a record, or why it was skipped. `span` is its position `r.s.i` in the payload. */
export type SpanResult = { ok: true; span: string; record: LogRecord } | { ok: false; span: string; error: string };

export interface OtlpParse {
  results: SpanResult[];
  spanCount: number;
}

const GEN_ID = /^gen-[A-Za-z0-9-]{1,200}$/;
const ID_KEYS = [
  'gen_ai.response.id',
  'openrouter.generation_id',
  'openrouter.generation.id',
  'gen_ai.generation.id',
  'generation.id',
  'generation_id',
  'gen_ai.request.id',
  'openrouter.request_id',
];
const MODEL_KEYS = ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'model'];
const IN_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'];
const OUT_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'];
const COST_KEYS = [
  'gen_ai.usage.cost',
  'gen_ai.usage.total_cost',
  'gen_ai.cost',
  'gen_ai.cost.total',
  'openrouter.cost',
  'openrouter.total_cost',
  'llm.usage.cost',
  'llm.cost.total',
  'total_cost',
  'cost',
];
const TAG_KEYS = ['trace.metadata.tag', 'trace.metadata.feature', 'trace.metadata.team', 'user.id'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An OTLP `AnyValue` → a plain JSON value. 64-bit integers arrive as strings; they become numbers when safe. */
export function anyValue(v: unknown): AttributeValue {
  if (!isObject(v)) return null;
  if ('stringValue' in v) return typeof v.stringValue === 'string' ? v.stringValue : String(v.stringValue ?? '');
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : String(v.doubleValue);
  }
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('arrayValue' in v) {
    const values = isObject(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return values.map(anyValue);
  }
  if ('kvlistValue' in v) return attributeMap(isObject(v.kvlistValue) ? v.kvlistValue.values : []);
  if ('bytesValue' in v) return typeof v.bytesValue === 'string' ? v.bytesValue : null;
  return null;
}

/** `[{ key, value }]` → `{ key: value }`; malformed entries are ignored. */
function attributeMap(attributes: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(attributes)) return out;
  for (const a of attributes) {
    if (isObject(a) && typeof a.key === 'string') out[a.key] = anyValue(a.value);
  }
  return out;
}

function first(attrs: Record<string, AttributeValue>, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const v = attrs[key];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function toNumber(v: AttributeValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function findGenerationId(attrs: Record<string, AttributeValue>): string | undefined {
  const named = first(attrs, ID_KEYS);
  if (typeof named === 'string' && GEN_ID.test(named)) return named;
  // Undocumented names: any attribute about an id whose value is a generation id.
  for (const [key, v] of Object.entries(attrs)) {
    if (typeof v === 'string' && GEN_ID.test(v) && /(^|[._])(id|generation[._]?id)$/i.test(key)) return v;
  }
  return undefined;
}

function nanosToDate(v: unknown): Date | null {
  let ms: number;
  if (typeof v === 'string' && /^\d{1,30}$/.test(v)) ms = Number(BigInt(v) / 1_000_000n);
  else if (typeof v === 'number' && Number.isFinite(v)) ms = v / 1e6;
  else return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) || ms <= 0 ? null : date;
}

function nonNegative(n: number | null, integer: boolean): number | null {
  if (n === null || n < 0) return null;
  if (integer && !Number.isSafeInteger(n)) return null;
  return n;
}

function spanToRecord(
  span: Record<string, unknown>,
  resource: Record<string, AttributeValue>,
): LogRecord | { error: string } {
  const attrs = attributeMap(span.attributes);
  const requestId = findGenerationId(attrs);
  if (!requestId) return { error: 'no generation id (gen-…) among the span attributes' };
  const model = first(attrs, MODEL_KEYS);
  const tag = first(attrs, TAG_KEYS);
  const extra: Record<string, unknown> = {
    source: 'otlp',
    ...(typeof span.traceId === 'string' ? { traceId: span.traceId } : {}),
    ...(typeof span.spanId === 'string' ? { spanId: span.spanId } : {}),
    ...(typeof span.name === 'string' ? { spanName: span.name } : {}),
    attributes: attrs,
    ...(Object.keys(resource).length > 0 ? { resource } : {}),
  };
  return {
    requestId,
    timestamp: nanosToDate(span.startTimeUnixNano) ?? nanosToDate(span.endTimeUnixNano),
    model: typeof model === 'string' ? model.slice(0, 200) : null,
    tokensIn: nonNegative(toNumber(first(attrs, IN_KEYS)), true),
    tokensOut: nonNegative(toNumber(first(attrs, OUT_KEYS)), true),
    cost: nonNegative(toNumber(first(attrs, COST_KEYS)), false),
    tag: typeof tag === 'string' || typeof tag === 'number' ? String(tag).slice(0, 200) : null,
    extra,
  };
}

/**
 * An `ExportTraceServiceRequest` in OTLP JSON → one result per span. Throws only when the body is
 * not an object; an empty payload (the Broadcast connection test) gives no results.
 */
export function parseOtlpTraces(body: unknown): OtlpParse {
  if (!isObject(body)) throw new TypeError('expected an OTLP JSON object with resourceSpans');
  const results: SpanResult[] = [];
  let spanCount = 0;
  const resourceSpans = Array.isArray(body.resourceSpans) ? body.resourceSpans : [];
  resourceSpans.forEach((rs, r) => {
    if (!isObject(rs)) return;
    const resource = attributeMap(isObject(rs.resource) ? rs.resource.attributes : undefined);
    const scopes = Array.isArray(rs.scopeSpans)
      ? rs.scopeSpans
      : Array.isArray(rs.instrumentationLibrarySpans)
        ? rs.instrumentationLibrarySpans
        : [];
    scopes.forEach((ss, s) => {
      const spans = isObject(ss) && Array.isArray(ss.spans) ? ss.spans : [];
      spans.forEach((span, i) => {
        spanCount += 1;
        const where = `${r}.${s}.${i}`;
        if (!isObject(span)) {
          results.push({ ok: false, span: where, error: 'a span must be an object' });
          return;
        }
        const parsed = spanToRecord(span, resource);
        results.push(
          'error' in parsed
            ? { ok: false, span: where, error: parsed.error }
            : { ok: true, span: where, record: parsed },
        );
      });
    });
  });
  return { results, spanCount };
}
