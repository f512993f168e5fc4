/**
 * The catalog behind `/credits explain`: turns whatever a user pastes (a status code, an OpenRouter
 * error body, a Python-repr dict from a log, an SSE chunk, plain error text) into a {@link ParsedError},
 * and a parsed error plus the live account state into an {@link Explanation}.
 *
 * Ground truth: shared/reference/openrouter-api.md §1.3 (envelope), §3.3 (402 = balance or key limit),
 * §8 (status codes, 402 bodies, rate limits, headers), §9 (mid-stream errors, zero completion
 * insurance), §11 (real user problems). Insufficient credits is **402**; 403 is never about credits.
 *
 * Pure: no I/O, no clock reads (dates are derived only from the input and `live.fetchedAt`).
 * `parseErrorInput` never throws and does bounded work on any input.
 * @module
 */
import { maskSecrets } from '../secrets.js';

// ---------------------------------------------------------------------------------------------
// Types

export interface ParsedError {
  /** HTTP status, or the `error.code` of the body; for mid-stream errors the code inside the HTTP 200 stream. */
  status?: number;
  /** True when `status` was not given but inferred from a known message (e.g. "User not found." → 401). */
  statusInferred?: boolean;
  /** The error message, secrets masked, at most 500 characters. */
  message?: string;
  /** `error.metadata`, sanitised (secrets masked, strings shortened, depth and size bounded). */
  metadata?: Record<string, unknown>;
  limitSource?: string;
  remedyHint?: string;
  previousErrors?: { code?: number; message?: string }[];
  providerName?: string;
  errorType?: string;
  rateLimit?: { limit?: number; remaining?: number; resetAt?: Date /* X-RateLimit-Reset, epoch ms */ };
  retryAfterSeconds?: number;
  /** An error inside an HTTP 200 response: an SSE chunk or a completion with `finish_reason: "error"`. */
  midStream: boolean;
  /** "You requested up to N tokens" / "N token capacity required" / "Prompt tokens limit exceeded: N > M". */
  requestedTokens?: number;
  /** "can only afford M" / "M available" / the M of "N > M". */
  affordableTokens?: number;
  generationId?: string;
  /** Which known texts matched; see {@link ERROR_SIGNALS}. */
  signals: string[];
}

/** Live account state, as the `explain` command read it. `null` = unknown, `undefined` = not read. */
export interface LiveAccount {
  /** total_credits − total_usage (`/credits`). */
  balance?: number | null;
  totalCredits?: number | null;
  /** The bot's own key (`/key`): `limit`, `null` = unlimited. */
  keyLimit?: number | null;
  keyLimitRemaining?: number | null;
  keyLimitReset?: string | null;
  isFreeTier?: boolean | null;
  /** The bot's own inference key was rejected with 401 when the live state was read. */
  keyRejected?: boolean;
  fetchedAt?: Date;
}

export type RetryAdvice = 'no' | 'yes' | 'after-fix' | 'backoff' | 'at';
export type Verdict = 'account-credits' | 'key-limit' | 'both' | 'neither' | 'unknown';

export interface Explanation {
  status: number | null;
  title: string;
  meaning: string;
  causes: string[];
  retry: { advice: RetryAdvice; text: string; at?: Date };
  fixes: string[];
  /** What the live account says; empty unless `live` was given. */
  live: string[];
  /** For 402s: which limit ran out. */
  verdict?: Verdict;
}

/** Statuses with a dedicated catalog entry. Others get a generic 4xx/5xx explanation. */
export const KNOWN_STATUSES: readonly number[] = [400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 524, 529];

/** Every signal `parseErrorInput` can report. */
export const ERROR_SIGNALS = [
  'can-only-afford', // 402 pre-flight against max_tokens ("can only afford N", "N token capacity required, M available")
  'prompt-tokens-limit', // "Prompt tokens limit exceeded: N > M" (key limit)
  'insufficient-credits', // "Insufficient credits", "More credits are required"
  'key-limit', // settings/keys … higher monthly limit, or a key-ish limit_source
  'account-credits', // settings/credits, openrouter.ai/credits, limit_source openrouter_credits
  'user-not-found', // 401 invalid / deleted / disabled key
  'no-auth', // 401 missing Authorization header
  'free-models-per-day', // 429 daily cap on :free models
  'free-models-per-minute', // 429 20/min on :free models
  'rate-limit', // any rate-limit wording or error_type rate_limit_exceeded
  'management-only', // 403 "Only management keys can perform this operation"
  'moderation', // 403 input flagged
  'guardrail', // 403 guardrail block
  'region', // 403 region restriction
  'model-not-found', // unknown model id
  'no-endpoints', // "No endpoints found …"
  'generation-not-found', // generation lookup 404
  'context-length', // prompt longer than the model's context
  'payload-too-large', // 413
  'timeout', // "timed out"
  'overloaded', // provider overloaded (529)
  'provider-error', // "Provider returned error"
  'finish-reason-error', // a choice with finish_reason "error"
] as const;

// ---------------------------------------------------------------------------------------------
// Parsing

const MAX_INPUT = 64_000; // characters scanned at all
const MAX_CANDIDATES = 16; // `{` positions tried as JSON starts
const MAX_MESSAGE = 500;
const MAX_WALK = 200; // objects visited looking for the error envelope

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Replaces control characters (except tab, newline, carriage return) with spaces. */
function stripControl(s: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) {
      parts.push(s.slice(from, i), ' ');
      from = i + 1;
    }
  }
  if (from === 0) return s;
  parts.push(s.slice(from));
  return parts.join('');
}

/** Masks secrets, collapses whitespace and cuts to `max` characters. */
function safeText(s: string, max = MAX_MESSAGE): string {
  const masked = maskSecrets(s.slice(0, max * 4))
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

function toInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*-?\d{1,16}(\.\d+)?\s*$/.test(v)) return Math.trunc(Number(v));
  return undefined;
}

function toStatus(v: unknown): number | undefined {
  const n = toInt(v);
  return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Index of the brace closing the one at `start`, honouring '…' and "…" strings; -1 when unbalanced. */
function matchBrace(s: string, start: number): number {
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

function parseLoose(chunk: string): Obj | undefined {
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

/** Parses up to a few JSON-ish objects found in the text (SSE `data:` lines with an error first). */
function findObjects(text: string): Obj[] {
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

/** The object holding `code`/`message` (following `error`, and `error.error` of the older nested form). */
function findEnvelope(root: Obj): { err?: Obj; errString?: string; holder: Obj } {
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

function hasFinishReasonError(o: Obj): boolean {
  const choices = o.choices;
  if (!Array.isArray(choices)) return false;
  return choices.slice(0, 20).some((c) => isObj(c) && c.finish_reason === 'error');
}

function scoreObject(o: Obj): number {
  const env = findEnvelope(o);
  let s = 0;
  if (env.err || env.errString) s += 4;
  if (hasFinishReasonError(o)) s += 2;
  if (typeof o.object === 'string' && o.object.startsWith('chat.completion')) s += 1;
  return s;
}

/** Bounded deep copy of metadata: depth 4, 50 keys, 20 array items, strings masked and ≤ 500 chars. */
function sanitize(v: unknown, depth: number): unknown {
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

function header(headers: unknown, name: string): unknown {
  if (!isObj(headers)) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers).slice(0, 100)) if (k.toLowerCase() === want) return v;
  return undefined;
}

function textHeader(text: string, name: string): string | undefined {
  const re = new RegExp(`["']?${name}["']?\\s*[:=]\\s*["']?(\\d{1,16})`, 'i');
  return re.exec(text)?.[1];
}

/** X-RateLimit-Reset is epoch milliseconds (§8.5); a 10-digit value is read as seconds, defensively. */
function resetDate(v: unknown): Date | undefined {
  const n = toInt(v);
  if (n === undefined || n <= 0) return undefined;
  const ms = n >= 1e11 ? n : n >= 1e9 ? n * 1000 : undefined;
  if (ms === undefined || ms > 8.64e15) return undefined;
  return new Date(ms);
}

const REASON_PHRASES =
  'bad request|unauthorized|payment required|forbidden|not found|request timeout|timeout|conflict|payload too large|request entity too large|unprocessable(?: entity| content)?|too many requests|internal server error|bad gateway|service unavailable|gateway timeout|a timeout occurred|site is overloaded|overloaded';

/** A status written as text: `402`, `http 429`, `HTTP/1.1 503`, `status: 502`, `Error code: 402`, `429 Too Many Requests`. */
function statusFromText(text: string): number | undefined {
  const patterns: RegExp[] = [
    /^\s*(?:https?\s*)?(?:status\s*)?[:#]?\s*([45]\d\d)\b/i,
    /\bHTTP\/\d(?:\.\d)?\s+(\d{3})\b/i,
    /\b(?:http\s*status|status\s*code|status|error\s*code|http\s*error|http)\s*[:=]?\s*["']?(\d{3})\b/i,
    new RegExp(`\\b(\\d{3})\\s*[:-]?\\s*(?:${REASON_PHRASES})\\b`, 'i'),
    /["']?code["']?\s*[:=]\s*["']?([45]\d\d)\b/i,
  ];
  for (const re of patterns) {
    const n = toStatus(re.exec(text)?.[1]);
    if (n !== undefined) return n;
  }
  return undefined;
}

/** True when the text is nothing but a status (and maybe its reason phrase). */
function isOnlyStatus(text: string): boolean {
  const re = new RegExp(
    `^\\s*(?:(?:https?\\s*(?:\\/\\d(?:\\.\\d)?)?|status(?:\\s*code)?|error\\s*code)\\s*[:=]?\\s*)?\\d{3}\\s*[:-]?\\s*(?:${REASON_PHRASES})?\\s*$`,
    'i',
  );
  return re.test(text);
}

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}

interface SignalRule {
  signal: (typeof ERROR_SIGNALS)[number];
  re: RegExp;
}

const SIGNAL_RULES: readonly SignalRule[] = [
  { signal: 'can-only-afford', re: /can only afford\s{0,5}\d|token capacity required/i },
  { signal: 'prompt-tokens-limit', re: /prompt tokens limit exceeded/i },
  {
    signal: 'insufficient-credits',
    re: /insufficient (?:credits|balance|funds)|more credits are required|requires more credits|out of credits|negative (?:credit )?balance/i,
  },
  {
    signal: 'key-limit',
    re: /settings\\?\/keys|higher (?:monthly |weekly |daily )?limit|key (?:spend(?:ing)? )?limit (?:exceeded|reached)|limit_source["']?\s*[:=]\s*["']?[a-z_]*key/i,
  },
  { signal: 'account-credits', re: /settings\\?\/credits|openrouter\.ai\\?\/credits|openrouter_credits/i },
  { signal: 'user-not-found', re: /user not found/i },
  {
    signal: 'no-auth',
    re: /no (?:cookie )?auth credentials found|missing authenticat(?:ion|e) header|no api key provided/i,
  },
  { signal: 'free-models-per-day', re: /free-models-per-day|openrouter_free_tier_daily|free model requests per day/i },
  { signal: 'free-models-per-minute', re: /free-models-per-min/i },
  { signal: 'rate-limit', re: /rate[ -_]?limit|too many requests/i },
  {
    signal: 'management-only',
    re: /only (?:management|provisioning) keys?|management key required|provisioning key required/i,
  },
  { signal: 'moderation', re: /\bflagged\b|moderation/i },
  { signal: 'guardrail', re: /guardrail/i },
  { signal: 'region', re: /region[ _-]?restricted|not available in your region|unsupported region/i },
  {
    signal: 'model-not-found',
    re: /is not a valid model id|model (?:not found|does not exist)|unknown model|no such model/i,
  },
  {
    signal: 'no-endpoints',
    re: /no endpoints found|no (?:available )?(?:model )?providers?(?: available)? (?:that|meet|match|found)/i,
  },
  { signal: 'generation-not-found', re: /generation\b.{0,120}?not found/i },
  {
    signal: 'context-length',
    re: /context length|context_length_exceeded|context window|maximum context|too many (?:input )?tokens/i,
  },
  { signal: 'payload-too-large', re: /payload too large|entity too large|body too large/i },
  { signal: 'timeout', re: /timed out|timeout/i },
  { signal: 'overloaded', re: /overloaded/i },
  { signal: 'provider-error', re: /provider returned error/i },
];

/** Statuses implied by known texts when the input gives none (first match wins). */
const SIGNAL_STATUS: readonly [string, number][] = [
  ['management-only', 403],
  ['user-not-found', 401],
  ['no-auth', 401],
  ['can-only-afford', 402],
  ['prompt-tokens-limit', 402],
  ['insufficient-credits', 402],
  ['free-models-per-day', 429],
  ['free-models-per-minute', 429],
  ['rate-limit', 429],
  ['payload-too-large', 413],
  ['generation-not-found', 404],
  ['model-not-found', 404],
  ['overloaded', 529],
];

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

// ---------------------------------------------------------------------------------------------
// Explaining

interface Entry {
  title: string;
  meaning: string;
  causes: string[];
  retry: { advice: RetryAdvice; text: string };
  fixes: string[];
}

const BACKOFF = 'Retry with exponential backoff (e.g. 1 s, 2 s, 4 s … with jitter, a few attempts).';
const FALLBACKS =
  'Add fallback models (the `models` array) or relax provider routing, so OpenRouter can route around a failing provider.';

const CATALOG: Record<number, Entry> = {
  400: {
    title: '400 Bad Request',
    meaning: 'OpenRouter rejected the request as malformed: a parameter is invalid or missing.',
    causes: [
      'An invalid or missing parameter (wrong type, unknown field value, empty `messages`).',
      'The prompt plus `max_tokens` is longer than the model’s context length.',
      'A parameter the chosen model or provider does not support.',
      'A browser call blocked by CORS.',
    ],
    retry: { advice: 'after-fix', text: 'The same request will fail the same way; fix it first.' },
    fixes: [
      'Read the message: it usually names the offending parameter.',
      'Check the model’s `context_length` and `supported_parameters` in GET /api/v1/models.',
    ],
  },
  401: {
    title: '401 Unauthorized: the API key was not accepted',
    meaning:
      'OpenRouter could not authenticate the request: the key is missing, invalid, deleted, disabled or expired.',
    causes: [
      '"User not found." means the key is invalid, deleted or disabled (or belongs to a deleted account).',
      '"No auth credentials found" means no `Authorization: Bearer …` header reached OpenRouter.',
      'The key expired (`expires_at`), or an OAuth session expired.',
    ],
    retry: { advice: 'after-fix', text: 'Retrying with the same credentials will fail; fix the key first.' },
    fixes: [
      'Check that the request sends `Authorization: Bearer sk-or-v1-…` and that the variable holding the key is set (no quotes, spaces or newlines).',
      'Look the key up at https://openrouter.ai/settings/keys; create a new one if it was deleted or disabled.',
    ],
  },
  402: {
    title: '402 Payment Required: not enough credits',
    meaning:
      'OpenRouter refused the request because there is not enough credit to cover it: the account balance or this API key’s own spending limit ran out. Insufficient credits is always 402, never 403.',
    causes: [
      'The account balance (total credits − total usage) is at or below zero. A negative balance blocks even free models.',
      'The API key’s own spending limit (`limit_remaining` on GET /api/v1/key) is used up for its period.',
      'The pre-flight check: OpenRouter checks the worst case (`max_tokens`, or the model’s default maximum output when `max_tokens` is not set) against what is left, so a request can be refused even if its real cost would fit.',
    ],
    retry: {
      advice: 'after-fix',
      text: 'The same request fails again until credits are added, the key limit is raised or resets, or `max_tokens` is lowered.',
    },
    fixes: [],
  },
  403: {
    title: '403 Forbidden: a permissions problem, not credits',
    meaning:
      'The key is valid but not allowed to do this. 403 is never about credits: OpenRouter’s docs settle that insufficient credits is 402.',
    causes: [
      'A management-key-only endpoint (/credits, /keys, /activity, analytics) was called with an inference key: "Only management keys can perform this operation".',
      'A guardrail blocked the request (model, provider or budget restrictions set for the key or workspace).',
      'The input was flagged by moderation.',
      'A region restriction (`availability.code = region_restricted`).',
    ],
    retry: { advice: 'after-fix', text: 'Retrying unchanged fails again; change the key, the settings or the input.' },
    fixes: [],
  },
  404: {
    title: '404 Not Found',
    meaning:
      'The thing asked for does not exist (or not yet): usually a model id, or a generation id looked up too early.',
    causes: [
      'A mistyped, retired or unknown model id, or no endpoint currently serving it ("No endpoints found …").',
      'A generation lookup (GET /api/v1/generation?id=…) made right after the request finished: OpenRouter publishes it with a lag of a few seconds.',
      'A generation id from another OpenRouter account (ids are visible only to the account that made them).',
    ],
    retry: {
      advice: 'after-fix',
      text: 'For a model id: fix it first. For a fresh generation id: retry after a few seconds.',
    },
    fixes: [
      'Check the model id against GET /api/v1/models (ids look like `openai/gpt-4.1`).',
      'For generation lookups, poll with backoff for up to a minute before treating the id as unknown.',
    ],
  },
  408: {
    title: '408 Request Timeout',
    meaning: 'The request timed out before OpenRouter finished it.',
    causes: ['A slow provider or a very long generation.', 'A large request body sent slowly.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: ['Use streaming for long generations.', 'Lower `max_tokens` or split the work into smaller requests.'],
  },
  413: {
    title: '413 Payload Too Large',
    meaning: 'The request body is larger than OpenRouter or the provider accepts.',
    causes: ['A very long conversation history, large files, or many/large images in the prompt.'],
    retry: { advice: 'after-fix', text: 'The same payload fails again; shrink it first.' },
    fixes: [
      'Shrink the prompt: trim or summarise old messages, send fewer or smaller images and files.',
      'Pick a model with a larger context if the content really is needed.',
    ],
  },
  422: {
    title: '422 Unprocessable: invalid argument',
    meaning:
      'The request is well-formed JSON, but a value is not acceptable (e.g. an unsupported combination of parameters).',
    causes: ['A parameter value out of range or not allowed for this model or endpoint.'],
    retry: { advice: 'after-fix', text: 'Fix the argument named in the message, then retry.' },
    fixes: ['Read the message for the offending argument and check the endpoint’s documented parameters.'],
  },
  429: {
    title: '429 Too Many Requests: rate limited',
    meaning: 'A rate limit was hit: OpenRouter’s own limit on free models, or the upstream provider’s limit.',
    causes: [
      'The daily cap on `:free` model requests: 50 per day if less than $10 of credits was ever bought, 1000 per day from $10.',
      'The per-minute cap on `:free` models: 20 requests per minute.',
      'The upstream provider rate-limited the request (paid models have no platform cap; OpenRouter tries other providers first).',
    ],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [],
  },
  500: {
    title: '500 Internal Server Error',
    meaning: 'Something failed inside OpenRouter or the provider; 500s hide the details.',
    causes: ['A transient server error.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS, 'If it persists, check https://status.openrouter.ai and report the generation id to support.'],
  },
  502: {
    title: '502 Bad Gateway: the model is down or answered badly',
    meaning: 'The chosen model is down, or OpenRouter received an invalid response from its provider.',
    causes: ['The provider is failing or returned a malformed response ("Provider returned error").'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS],
  },
  503: {
    title: '503 Service Unavailable: no provider available',
    meaning: 'There is no available provider that meets the request’s routing requirements.',
    causes: [
      'All providers of the model are down or saturated.',
      'Provider routing is too strict (`provider.only`/`order` with fallbacks off, data-collection or ZDR requirements, `max_price`).',
    ],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS, 'Relax the `provider` preferences if you set any.'],
  },
  524: {
    title: '524 Edge timeout',
    meaning: 'The request took too long and timed out at OpenRouter’s edge (Cloudflare) before a response started.',
    causes: ['A slow provider or a long non-streaming generation.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: ['Use streaming so bytes flow early.', 'Lower `max_tokens`, or pick a faster model or provider.', FALLBACKS],
  },
  529: {
    title: '529 Provider overloaded',
    meaning: 'The provider is overloaded and refused the request.',
    causes: ['Temporary overload at the upstream provider.'],
    retry: { advice: 'backoff', text: BACKOFF },
    fixes: [FALLBACKS],
  },
};

const LOW_USD = 0.05; // "a few cents": below this the balance or key limit counts as exhausted

function usd(n: number): string {
  const sign = n < 0 ? '−' : '';
  const a = Math.abs(n);
  const digits = a !== 0 && a < 0.01 ? 4 : 2;
  return `${sign}$${a.toFixed(digits)}`;
}

function fmtInt(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function nextUtcMidnight(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1));
}

/** When a key limit with this reset period resets next (midnight UTC; weeks run Monday–Sunday). */
function nextKeyReset(reset: string | null | undefined, from: Date): Date | undefined {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth();
  const d = from.getUTCDate();
  if (reset === 'daily') return nextUtcMidnight(from);
  if (reset === 'weekly') {
    const days = (8 - from.getUTCDay()) % 7 || 7;
    return new Date(Date.UTC(y, m, d + days));
  }
  if (reset === 'monthly') return new Date(Date.UTC(y, m + 1, 1));
  return undefined;
}

function has(p: ParsedError, ...signals: string[]): boolean {
  return signals.some((s) => p.signals.includes(s));
}

function clone(e: Entry): Entry {
  return { ...e, causes: [...e.causes], fixes: [...e.fixes], retry: { ...e.retry } };
}

function genericEntry(status: number | null): Entry {
  if (status !== null && status >= 500) {
    return {
      title: `${status} Server error`,
      meaning: 'A server-side error at OpenRouter or the provider.',
      causes: ['A transient failure upstream.'],
      retry: { advice: 'backoff', text: BACKOFF },
      fixes: [FALLBACKS],
    };
  }
  if (status !== null && status >= 400) {
    return {
      title: `${status} Client error`,
      meaning: 'OpenRouter rejected the request; this status is not one it documents for chat completions.',
      causes: ['See the message for details.'],
      retry: { advice: 'after-fix', text: 'Fix what the message names, then retry.' },
      fixes: ['Read the message; compare the request with the API reference.'],
    };
  }
  if (status !== null && status >= 200 && status < 300) {
    return {
      title: `${status}: not an error status`,
      meaning: `HTTP ${status} is a success status. If the body carried an error, paste the body: errors during generation arrive inside a 200 response.`,
      causes: [],
      retry: { advice: 'yes', text: 'Nothing to retry unless the body had an error.' },
      fixes: [],
    };
  }
  return {
    title: status === null ? 'Unrecognised error' : `${status}: unknown status`,
    meaning: 'This does not match a status code or error text OpenRouter is known to send.',
    causes: ['Paste the full error body (the JSON with `error.code` and `error.message`) or the HTTP status.'],
    retry: { advice: 'no', text: 'Not enough information to say.' },
    fixes: [],
  };
}

/** Explains a parsed error; with `live`, also says what the account state implies. */
export function explainError(p: ParsedError, live?: LiveAccount): Explanation {
  const status = p.status ?? null;
  const known = status !== null ? CATALOG[status] : undefined;
  const e = clone(known ?? genericEntry(status));
  const out: Explanation = {
    status,
    title: e.title,
    meaning: e.meaning,
    causes: e.causes,
    retry: e.retry,
    fixes: e.fixes,
    live: [],
  };

  if (p.statusInferred && status !== null) out.title = `${e.title} (recognised from the message)`;

  switch (status) {
    case 401:
      explain401(p, out, live);
      break;
    case 402:
      explain402(p, out, live);
      break;
    case 403:
      explain403(p, out, live);
      break;
    case 404:
      explain404(p, out);
      break;
    case 429:
      explain429(p, out, live);
      break;
    default:
      break;
  }

  if (status === 400 && has(p, 'context-length')) {
    out.causes.unshift('The prompt plus `max_tokens` exceeds the model’s context length.');
    out.fixes.unshift('Shorten the prompt or lower `max_tokens`, or use a model with a longer context.');
  }
  if (status !== null && status >= 500 && p.providerName) {
    out.causes.unshift(`The provider ${p.providerName} failed.`);
  }
  if (p.retryAfterSeconds !== undefined && out.retry.advice !== 'at') {
    out.retry = {
      advice: 'backoff',
      text: `Wait at least ${p.retryAfterSeconds} s (the Retry-After header), then retry with backoff.`,
    };
  }
  if (p.previousErrors && p.previousErrors.length > 0) {
    const codes = p.previousErrors.map((x) => (x.code === undefined ? '?' : String(x.code))).join(', ');
    out.causes.push(
      `OpenRouter tried ${p.previousErrors.length} fallback attempt(s) first; they failed with ${codes}.`,
    );
  }
  if (p.remedyHint) out.fixes.push(`OpenRouter’s hint: ${p.remedyHint}`);

  if (p.midStream) explainMidStream(p, out);
  if (live?.keyRejected && status !== 401) {
    out.live.push('The bot’s own API key is currently rejected by OpenRouter (401).');
  }
  return out;
}

function explainMidStream(p: ParsedError, out: Explanation): void {
  const code = out.status === null ? '' : ` (code ${out.status} in the body)`;
  out.title = out.status === null ? 'Mid-stream error' : `Mid-stream error${code}: ${out.title}`;
  out.meaning =
    `The HTTP status was 200, but the generation failed after it started: the error arrived in the body or as an SSE event, and the choice ended with finish_reason "error". ${out.status === null ? '' : out.meaning}`.trim();
  out.causes.unshift(
    'Zero completion insurance: a response that ends with finish_reason "error" is not charged for prompt, completion or reasoning tokens (auxiliary fees such as web search may still be billed).',
  );
  if (out.status === null) {
    out.causes.push('The provider failed during generation (overload, timeout or an internal error).');
    out.retry = { advice: 'backoff', text: BACKOFF };
    out.fixes.push(FALLBACKS);
  }
  out.fixes.push(
    'Stream handlers must check each chunk for an `error` field and finish_reason "error", not only the HTTP status.',
  );
  if (p.generationId) out.fixes.push(`Look up ${p.generationId} with /credits request to see what was billed.`);
}

function explain401(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  if (has(p, 'user-not-found')) {
    out.meaning =
      '"User not found." means the API key is invalid, deleted or disabled: OpenRouter knows no user for it.';
    out.causes = [
      'The key was deleted or disabled at https://openrouter.ai/settings/keys, or it expired.',
      'The key is mistyped or truncated (copied without its last characters, or with quotes or a newline).',
      'The key belongs to a different or deleted account.',
    ];
    out.fixes.unshift(
      'Create a new key at https://openrouter.ai/settings/keys and update the secret where the app reads it.',
    );
  } else if (has(p, 'no-auth')) {
    out.meaning = '"No auth credentials found" means the request carried no `Authorization: Bearer …` header at all.';
    out.causes = [
      'The environment variable holding the key is empty or not loaded.',
      'The header is misspelt or lacks the `Bearer ` prefix, or a proxy strips it.',
    ];
  }
  if (live) {
    if (live.keyRejected) out.live.push('The bot’s own configured key is rejected too (401): replace it.');
    else if (live.keyLimit !== undefined || live.isFreeTier !== undefined)
      out.live.push(
        'The bot’s own configured key works right now, so the failing request used a different (or since-fixed) key.',
      );
  }
}

function creditSide(p: ParsedError): { key: boolean; account: boolean; preflight: boolean } {
  const src = (p.limitSource ?? '').toLowerCase();
  return {
    key: has(p, 'key-limit', 'prompt-tokens-limit') || src.includes('key'),
    account: has(p, 'account-credits') || src === 'openrouter_credits',
    preflight: has(p, 'can-only-afford'),
  };
}

function explain402(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const side = creditSide(p);
  const afford = p.affordableTokens;
  const requested = p.requestedTokens;
  const causes: string[] = [];

  if (side.key) {
    causes.push(
      has(p, 'prompt-tokens-limit')
        ? `The prompt alone (${requested === undefined ? '?' : fmtInt(requested)} tokens) costs more than this key’s remaining limit allows (${afford === undefined ? '?' : fmtInt(afford)} tokens). The message points to the key limit (settings/keys … higher monthly limit).`
        : 'The message points to the per-key spending limit (settings/keys … higher monthly limit): this API key’s own cap is used up, even if the account still has credits.',
    );
  }
  if (side.account) {
    causes.push(
      'The message points to the account balance (settings/credits, limit_source openrouter_credits): the account’s credits are used up or too low.',
    );
  }
  if (side.preflight) {
    causes.push(
      `Pre-flight check against max_tokens: the request asked for up to ${requested === undefined ? 'N' : fmtInt(requested)} output tokens, but what is left pays for only ${afford === undefined ? 'M' : fmtInt(afford)}. Without an explicit max_tokens OpenRouter assumes the model’s default maximum output.`,
    );
  }
  out.causes =
    causes.length > 0
      ? [...causes, ...out.causes.filter((c) => !side.preflight || !c.startsWith('The pre-flight'))]
      : out.causes;

  const fixes: string[] = [];
  const accountFix = 'Add credits at https://openrouter.ai/settings/credits.';
  const keyFix =
    'Raise this key’s limit (or create a key with a higher limit) at https://openrouter.ai/settings/keys, or wait for the limit to reset.';
  const tokensFix =
    afford !== undefined && afford > 0
      ? `Lower max_tokens to at most ${fmtInt(afford)} (set it explicitly instead of relying on the model default), or shorten the prompt.`
      : 'Set max_tokens explicitly to what you need (the model default can be 65,536 or more), and shorten the prompt.';

  // Verdict: live data first, then the message.
  let verdict: Verdict = 'unknown';
  const balanceKnown = live !== undefined && isNum(live.balance);
  const keyKnown = live !== undefined && (live.keyLimit === null || isNum(live.keyLimitRemaining));
  const accountOut = balanceKnown && (live?.balance as number) < LOW_USD;
  const keyOut =
    keyKnown &&
    live?.keyLimit !== null &&
    isNum(live?.keyLimitRemaining) &&
    (live?.keyLimitRemaining as number) < LOW_USD;
  if (accountOut && keyOut) verdict = 'both';
  else if (accountOut) verdict = 'account-credits';
  else if (keyOut) verdict = 'key-limit';
  else if (balanceKnown && keyKnown) verdict = 'neither';
  else if (side.key && side.account) verdict = 'both';
  else if (side.key) verdict = 'key-limit';
  else if (side.account) verdict = 'account-credits';
  out.verdict = verdict;
  const fromText: Verdict | undefined =
    side.key && side.account ? 'both' : side.key ? 'key-limit' : side.account ? 'account-credits' : undefined;

  if (verdict === 'account-credits' || verdict === 'both') fixes.push(accountFix);
  if (verdict === 'key-limit' || verdict === 'both') fixes.push(keyFix);
  if (side.preflight || verdict === 'neither') fixes.push(tokensFix);
  if (verdict === 'unknown') fixes.push(accountFix, keyFix, tokensFix);
  if (!fixes.includes(tokensFix) && afford !== undefined && afford > 0) fixes.push(tokensFix);
  fixes.push(
    'Monitor GET /api/v1/key (limit_remaining) and the balance before requests start failing; `/credits alert below <usd>` warns in time.',
  );
  out.fixes = [...new Set(fixes)];

  if (!live) return;
  const lines = out.live;
  if (isNum(live.balance)) {
    lines.push(
      `Account balance: ${usd(live.balance)}${isNum(live.totalCredits) ? ` of ${usd(live.totalCredits)} bought in total` : ''}${live.balance < LOW_USD ? ' — exhausted.' : '.'}`,
    );
  } else {
    lines.push('Account balance: unknown (reading it needs the management key).');
  }
  if (live.keyLimit === null) {
    lines.push('The bot’s key has no spending limit.');
  } else if (isNum(live.keyLimitRemaining)) {
    lines.push(
      `The bot’s key: ${usd(live.keyLimitRemaining)} left${isNum(live.keyLimit) ? ` of its ${usd(live.keyLimit)}` : ''} limit${live.keyLimitReset ? ` (resets ${live.keyLimitReset})` : ' (never resets)'}${live.keyLimitRemaining < LOW_USD ? ' — exhausted.' : '.'}`,
    );
  } else if (live.keyRejected) {
    lines.push('The bot’s key is rejected (401), so its limit is unknown.');
  } else {
    lines.push('The bot’s key limit: unknown.');
  }
  const sameKeyNote = ' (This is the bot’s own key; the failing request may have used another one.)';
  switch (verdict) {
    case 'both':
      lines.push('Verdict: both ran out — the account balance and the key limit.');
      break;
    case 'account-credits':
      lines.push('Verdict: the account balance ran out; the key limit is not the problem.');
      break;
    case 'key-limit':
      lines.push(`Verdict: the key limit ran out while the account still has credits.${sameKeyNote}`);
      break;
    case 'neither':
      lines.push(
        `Verdict: neither is exhausted right now. The 402 was most likely the pre-flight check against max_tokens${requested !== undefined && afford !== undefined ? ` (asked for ${fmtInt(requested)}, could afford ${fmtInt(afford)})` : ''}, or a condition resolved since (credits added, limit reset).${side.key ? sameKeyNote : ''}`,
      );
      break;
    default:
      lines.push('Verdict: unknown — not enough live data to tell the balance from the key limit.');
  }

  if (
    fromText &&
    fromText !== verdict &&
    (verdict === 'key-limit' || verdict === 'account-credits' || verdict === 'neither')
  ) {
    lines.push(
      `The message itself points to ${fromText === 'key-limit' ? 'a key limit' : fromText === 'account-credits' ? 'the account balance' : 'both'}: the failing request may have used a different key, or the state changed since.`,
    );
  }
  if ((verdict === 'key-limit' || verdict === 'both') && live.fetchedAt) {
    const at = nextKeyReset(live.keyLimitReset, live.fetchedAt);
    if (at && verdict === 'key-limit') {
      out.retry = {
        advice: 'at',
        text: `The key limit resets ${live.keyLimitReset} at midnight UTC; retry then, or sooner after raising the limit.`,
        at,
      };
    }
  }
}

function explain403(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const fixes: string[] = [];
  if (has(p, 'management-only')) {
    out.meaning =
      'This endpoint needs a management key (formerly "provisioning key"), and the request used an ordinary inference key. Nothing is wrong with credits.';
    out.causes = [
      'GET /credits, /keys, /activity and the analytics API accept only management keys: "Only management keys can perform this operation".',
      'Management keys in turn cannot call the completion endpoints.',
    ];
    fixes.push(
      'Create a management key at https://openrouter.ai/settings/management-keys and use it for the admin endpoints (for this bot: OPENROUTER_MANAGEMENT_KEY).',
      'To see one key’s remaining limit with an inference key, call GET /api/v1/key (limit_remaining) instead.',
    );
  }
  if (has(p, 'guardrail'))
    fixes.push('Check the guardrails of the key or workspace (allowed models, providers, budgets).');
  if (has(p, 'moderation'))
    fixes.push('The input was flagged by moderation: rephrase it, or choose a model without mandatory moderation.');
  if (has(p, 'region'))
    fixes.push('The model or provider is not available in your region: pick another provider or model.');
  if (fixes.length === 0) {
    fixes.push(
      'Check which key made the call (inference vs management) and the key’s guardrails at https://openrouter.ai/settings/keys.',
      'If the input was flagged, rephrase it or pick a model without mandatory moderation.',
    );
  }
  const creditsSounding =
    has(p, 'insufficient-credits', 'can-only-afford', 'account-credits', 'prompt-tokens-limit') ||
    /credit/i.test(p.message ?? '');
  if (creditsSounding) {
    out.causes.unshift(
      'The docs settled it: insufficient credits is 402 Payment Required, not 403. A "403 … insufficient credits" label usually comes from an outdated error table or a client library relabelling the status; read the real HTTP status and body.',
    );
    fixes.push(
      'If the body really speaks about credits, treat it as a 402: run `/credits explain 402` to see whether the balance or the key limit ran out.',
    );
    if (live && isNum(live.balance)) out.live.push(`Account balance right now: ${usd(live.balance)}.`);
    if (live && isNum(live.keyLimitRemaining))
      out.live.push(`The bot’s key has ${usd(live.keyLimitRemaining)} of its limit left.`);
  }
  out.fixes = fixes;
}

function explain404(p: ParsedError, out: Explanation): void {
  const generation =
    has(p, 'generation-not-found') || (p.generationId !== undefined && !has(p, 'model-not-found', 'no-endpoints'));
  if (generation) {
    out.title = '404 Not Found: generation not published yet (or unknown)';
    out.meaning =
      'The generation lookup found nothing. OpenRouter publishes a generation a few seconds after it completes, so a lookup right after the request often gets 404.';
    out.retry = {
      advice: 'backoff',
      text: 'Retry the lookup after a few seconds, with backoff, for up to about a minute.',
    };
    out.causes = [
      'The lookup came too soon after the request (the usual case).',
      'The id belongs to another OpenRouter account, or is mistyped.',
    ];
  } else if (has(p, 'model-not-found', 'no-endpoints')) {
    out.title = '404 Not Found: model or endpoint';
    out.meaning =
      'The model id is unknown, retired, or no provider endpoint currently serves it with the requested features.';
    out.retry = { advice: 'after-fix', text: 'Fix the model id (or relax the requested features), then retry.' };
    out.fixes = ['Check the id with `/credits estimate <model> …` (it suggests close ids) or GET /api/v1/models.'];
  }
}

function explain429(p: ParsedError, out: Explanation, live?: LiveAccount): void {
  const rl = p.rateLimit;
  const daily = has(p, 'free-models-per-day');
  const perMinute = has(p, 'free-models-per-minute');
  const provider =
    !daily && !perMinute && (p.errorType === 'rate_limit_exceeded' || p.providerName !== undefined) && !rl;
  if (daily) {
    out.title = '429 Too Many Requests: daily free-model cap reached';
    out.meaning =
      'The account used up its daily allowance of requests to `:free` models: 50 per day if less than $10 of credits was ever bought, 1000 per day from $10. It resets daily (midnight UTC).';
    out.causes = [
      'Too many requests to `:free` model variants today. Extra accounts or keys do not help: the limit is global per account.',
    ];
    out.fixes = [
      'Wait for the reset, or switch to a paid (non-`:free`) variant of the model, which has no platform request cap.',
      'Buy at least $10 of credits in total to raise the cap from 50 to 1000 free requests per day.',
    ];
  } else if (perMinute) {
    out.title = '429 Too Many Requests: free-model per-minute cap';
    out.meaning = '`:free` model variants allow 20 requests per minute.';
    out.causes = ['More than 20 requests per minute to `:free` models.'];
    out.retry = {
      advice: 'backoff',
      text: 'Wait a minute, then retry with backoff; keep under 20 requests per minute.',
    };
    out.fixes = ['Throttle to under 20 requests per minute, or use the paid variant of the model.'];
  } else if (provider) {
    out.title = `429 Too Many Requests: provider rate limit${p.providerName ? ` (${p.providerName})` : ''}`;
    out.meaning =
      'The upstream provider rate-limited the request. Paid models have no OpenRouter-side cap; OpenRouter already tries other providers when one returns 429.';
    out.causes = ['Provider capacity or per-account limits at the upstream provider.'];
    out.fixes = [FALLBACKS, 'Use your own provider key (BYOK) for the provider’s higher limits.'];
  } else {
    out.fixes = [
      'For `:free` models: wait for the reset, use the paid variant, or buy $10 of credits in total to get 1000 free requests per day.',
      FALLBACKS,
    ];
  }
  if (rl?.limit !== undefined || rl?.remaining !== undefined) {
    out.causes.push(
      `Rate-limit headers: limit ${rl.limit ?? '?'}, remaining ${rl.remaining ?? '?'}${rl.resetAt ? `, reset ${rl.resetAt.toISOString()}` : ''}.`,
    );
  }
  if (rl?.resetAt) {
    out.retry = {
      advice: 'at',
      text: `Retry after the limit resets at ${rl.resetAt.toISOString()} (X-RateLimit-Reset).`,
      at: rl.resetAt,
    };
  } else if (daily && live?.fetchedAt) {
    const at = nextUtcMidnight(live.fetchedAt);
    out.retry = { advice: 'at', text: 'Retry after the daily counter resets at midnight UTC.', at };
  } else if (daily) {
    out.retry = { advice: 'at', text: 'Retry after the daily counter resets (midnight UTC).' };
  }

  if (!live) return;
  if (daily || (!perMinute && !provider)) {
    if (isNum(live.totalCredits)) {
      if (live.totalCredits < 10) {
        const more = Math.max(0, 10 - live.totalCredits);
        out.live.push(
          `You have bought ${usd(live.totalCredits)} of credits in total — under $10 — so the free-model cap is 50 requests per day. Buying ${usd(more)} more raises it to 1000 per day.`,
        );
      } else {
        out.live.push(
          `You have bought ${usd(live.totalCredits)} of credits in total ($10 or more), so your cap is already 1000 free-model requests per day; wait for the reset or use a paid variant.`,
        );
      }
    } else if (live.isFreeTier === true) {
      out.live.push(
        'GET /key says this account has never paid for credits, so the 50-per-day free-model cap applies; $10 of credits raises it to 1000.',
      );
    } else if (live.isFreeTier === false) {
      out.live.push(
        'GET /key says this account has paid for credits before; if it bought $10 or more in total, the cap is 1000 free-model requests per day.',
      );
    }
    if (rl?.limit === 50 || rl?.limit === 1000)
      out.live.push(`The error’s own header says your cap is ${rl.limit} per day.`);
  }
  if (isNum(live.balance) && live.balance < 0) {
    out.live.push(
      `The balance is negative (${usd(live.balance)}): requests will get 402, even to free models, until credits are added.`,
    );
  }
}
