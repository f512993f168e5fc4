/**
 * Reads whatever a user pastes (a status code, an OpenRouter error body, a Python-repr dict, an SSE
 * chunk, plain error text) into a {@link ParsedError}. Never throws; bounded work on any input.
 * @module
 */
import type { ParsedError } from '../types.js';
import { findEnvelope, hasFinishReasonError, sanitize, scoreObject } from './envelope.js';
import { findObjects } from './find-objects.js';
import { header, resetDate, textHeader } from './headers.js';
import { SIGNAL_RULES, SIGNAL_STATUS } from './signals.js';
import { isOnlyStatus, statusFromText } from './status-text.js';
import { isObj, MAX_INPUT, num, type Obj, safeText, str, stripControl, toInt, toStatus } from './text.js';

/**
 * Reads a pasted error in any of the usual shapes. Never throws; scans at most the first 64,000
 * characters, tries at most a few dozen JSON candidates and walks at most 200 objects.
 */
export function parseErrorInput(text: string): ParsedError {
  try {
    return parseUnsafe(text);
  } catch {
    return { midStream: false, signals: [] };
  }
}

function parseUnsafe(input: string): ParsedError {
  const raw = typeof input === 'string' ? input : String(input ?? '');
  const text = stripControl(raw.length > MAX_INPUT ? raw.slice(0, MAX_INPUT) : raw).trim();
  const out: ParsedError = { midStream: false, signals: [] };
  if (!text) return out;

  const objects = text.includes('{') ? findObjects(text) : [];
  let best: Obj | undefined;
  let bestScore = -1;
  for (const o of objects) {
    const s = scoreObject(o);
    if (s > bestScore) {
      best = o;
      bestScore = s;
    }
  }
  const finishError = objects.some(hasFinishReasonError);

  let bodyStatus: number | undefined;
  let message: string | undefined;
  let meta: Obj | undefined;
  let err: Obj | undefined;
  if (best && bestScore > 0) {
    const env = findEnvelope(best);
    err = env.err;
    if (env.err) {
      bodyStatus = toStatus(env.err.code) ?? toStatus(env.err.status) ?? toStatus(env.err.http_status);
      message = str(env.err.message) ?? str(env.err.msg) ?? str(env.err.detail);
      if (isObj(env.err.metadata)) meta = env.err.metadata;
    } else if (env.errString) {
      message = env.errString;
      bodyStatus = toStatus(env.holder.code) ?? toStatus(env.holder.status);
    }
    const holder = env.holder;
    const isCompletion =
      (typeof best.object === 'string' && best.object.startsWith('chat.completion')) ||
      (typeof holder.object === 'string' && holder.object.startsWith('chat.completion')) ||
      Array.isArray(best.choices);
    if ((isCompletion && (env.err || env.errString)) || finishError) out.midStream = true;
    const id = str(best.id) ?? str(holder.id);
    if (id?.startsWith('gen-')) out.generationId = safeText(id, 200);
  } else if (finishError) {
    out.midStream = true;
  }

  // Truncated JSON (chat clients cut long pastes): pick code and message out with patterns.
  if (bodyStatus === undefined && message === undefined && /["']error["']\s*:/.test(text)) {
    bodyStatus = toStatus(/["']code["']\s*:\s*["']?(\d{3})\b/.exec(text)?.[1]);
    const m = /["']message["']\s*:\s*(["'])((?:\\.|(?!\1)[^\\]){0,2000})\1?/.exec(text);
    if (m?.[2]) message = m[2].replace(/\\(["'\\/])/g, '$1');
  }

  const textStatus = statusFromText(text);
  if (bodyStatus !== undefined) out.status = bodyStatus;
  else if (textStatus !== undefined && !(out.midStream && textStatus === 200)) out.status = textStatus;
  if (textStatus === 200 && (err || message !== undefined)) out.midStream = true;

  if (message === undefined && !best && !isOnlyStatus(text)) message = text;
  if (message !== undefined) {
    const m = safeText(message);
    if (m) out.message = m;
  }

  // Metadata and the fields derived from it.
  if (meta) {
    const clean = sanitize(meta, 0);
    if (isObj(clean)) out.metadata = clean;
    const limitSource = str(meta.limit_source);
    if (limitSource) out.limitSource = safeText(limitSource, 100);
    const remedy = str(meta.remedy_hint);
    if (remedy) out.remedyHint = safeText(remedy);
    const provider = str(meta.provider_name);
    if (provider) out.providerName = safeText(provider, 100);
    const type = str(meta.error_type);
    if (type) out.errorType = safeText(type, 100);
    if (Array.isArray(meta.previous_errors)) {
      out.previousErrors = meta.previous_errors.slice(0, 20).map((p) => {
        const e: { code?: number; message?: string } = {};
        if (isObj(p)) {
          const code = toStatus(p.code);
          if (code !== undefined) e.code = code;
          const pm = str(p.message);
          if (pm) e.message = safeText(pm, 200);
        }
        return e;
      });
    }
  }
  if (err && !out.errorType) {
    const type = str(err.error_type) ?? str(err.type);
    if (type) out.errorType = safeText(type, 100);
  }

  // Rate-limit headers: in metadata.headers (platform 429 bodies) or pasted as header lines.
  const headers = meta?.headers;
  const limit = toInt(header(headers, 'X-RateLimit-Limit') ?? textHeader(text, 'X-RateLimit-Limit'));
  const remaining = toInt(header(headers, 'X-RateLimit-Remaining') ?? textHeader(text, 'X-RateLimit-Remaining'));
  const resetAt = resetDate(header(headers, 'X-RateLimit-Reset') ?? textHeader(text, 'X-RateLimit-Reset'));
  if (limit !== undefined || remaining !== undefined || resetAt) {
    out.rateLimit = {};
    if (limit !== undefined && limit >= 0) out.rateLimit.limit = limit;
    if (remaining !== undefined && remaining >= 0) out.rateLimit.remaining = remaining;
    if (resetAt) out.rateLimit.resetAt = resetAt;
  }
  const availability = err && isObj(err.availability) ? err.availability : undefined;
  const retryAfter = toInt(
    header(headers, 'Retry-After') ?? availability?.retry_after ?? textHeader(text, 'Retry-After'),
  );
  if (retryAfter !== undefined && retryAfter >= 0 && retryAfter < 31_536_000) out.retryAfterSeconds = retryAfter;

  if (!out.generationId) {
    const gen = /\bgen-[A-Za-z0-9_-]{6,80}/.exec(text)?.[0];
    if (gen) out.generationId = gen;
  }

  // Signals: the raw text (with JSON escapes) and the decoded fields.
  const haystack = [
    text,
    message ?? '',
    out.remedyHint ?? '',
    out.limitSource ?? '',
    out.errorType ?? '',
    availability ? String(availability.code ?? '') : '',
    ...(out.previousErrors ?? []).map((p) => p.message ?? ''),
  ].join('\n');
  for (const rule of SIGNAL_RULES) if (rule.re.test(haystack)) out.signals.push(rule.signal);
  if (out.midStream && finishError) out.signals.push('finish-reason-error');
  if (out.errorType === 'rate_limit_exceeded' && !out.signals.includes('rate-limit')) out.signals.push('rate-limit');

  // Token counts of the 402 pre-flight and of the key's prompt-token limit.
  const req = /requested up to\s{1,5}([\d,]{1,15})\s{1,5}tokens/i.exec(haystack);
  const afford = /can only afford\s{1,5}([\d,]{1,15})/i.exec(haystack);
  const capacity = /(?<![\d,])([\d,]{1,15})\s+token capacity required,?\s*([\d,]{1,15})\s+available/i.exec(haystack);
  const promptLimit = /prompt tokens limit exceeded:?\s{0,5}([\d,]{1,15})\s{0,5}>\s{0,5}([\d,]{1,15})/i.exec(haystack);
  const requested = num(req?.[1]) ?? num(capacity?.[1]) ?? num(promptLimit?.[1]);
  const affordable = num(afford?.[1]) ?? num(capacity?.[2]) ?? num(promptLimit?.[2]);
  if (requested !== undefined) out.requestedTokens = requested;
  if (affordable !== undefined) out.affordableTokens = affordable;

  if (out.status === undefined) {
    for (const [signal, status] of SIGNAL_STATUS) {
      if (out.signals.includes(signal)) {
        out.status = status;
        out.statusInferred = true;
        break;
      }
    }
  }
  return out;
}
