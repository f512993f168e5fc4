/**
 * Lenient boundary parsing of OpenRouter bodies (zod 4) into the camelCase types of `types.ts`.
 * Tolerant on purpose (reference §12): unknown fields are kept in `raw`, numbers may arrive as numeric
 * strings, nullable fields may be null or missing, and a body may start with whitespace. Only the
 * fields the bot cannot work without are required; their absence is a malformed body.
 * @module
 */
import { z } from 'zod';
import type {
  ActivityRow,
  Credits,
  CurrentKey,
  Generation,
  KeyItem,
  Model,
  PriceOverride,
  Pricing,
  ProviderAttempt,
} from './types.js';

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite number, or a string holding one (`"0.000002"`, `" 6 "`). */
export const lenientNumber = z.union([
  z.number().refine(Number.isFinite, 'not a finite number'),
  z
    .string()
    .trim()
    .regex(NUMERIC, 'not a numeric string')
    .transform((s) => Number(s)),
]);

/** A boolean, or `"true"`/`"false"`. */
const lenientBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((s) => s === 'true')]);

/** Nullable and possibly missing → `null`. */
const nullableNumber = lenientNumber.nullish().transform((v) => v ?? null);
const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const nullableBoolean = lenientBoolean.nullish().transform((v) => v ?? null);
/** Missing or null → 0 (counters the spec requires but old bodies may omit). */
const numberOrZero = lenientNumber.nullish().transform((v) => v ?? 0);
const stringOrEmpty = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const record = z.record(z.string(), z.unknown());

const creditsSchema = z.looseObject({ total_credits: lenientNumber, total_usage: lenientNumber });

const keyUsageShape = {
  label: stringOrEmpty,
  limit: nullableNumber,
  limit_remaining: nullableNumber,
  limit_reset: nullableString,
  include_byok_in_limit: lenientBoolean.nullish().transform((v) => v ?? false),
  usage: lenientNumber,
  usage_daily: numberOrZero,
  usage_weekly: numberOrZero,
  usage_monthly: numberOrZero,
  byok_usage: numberOrZero,
  byok_usage_daily: numberOrZero,
  byok_usage_weekly: numberOrZero,
  byok_usage_monthly: numberOrZero,
  expires_at: nullableString,
  creator_user_id: nullableString,
};

const currentKeySchema = z.looseObject({
  ...keyUsageShape,
  is_free_tier: lenientBoolean.nullish().transform((v) => v ?? false),
  is_management_key: lenientBoolean.nullish(),
  is_provisioning_key: lenientBoolean.nullish(),
  workspace_id: nullableString,
});

const keyItemSchema = z.looseObject({
  ...keyUsageShape,
  hash: z.string().min(1),
  name: z.string().nullish(),
  disabled: lenientBoolean.nullish().transform((v) => v ?? false),
  created_at: stringOrEmpty,
  updated_at: nullableString,
  workspace_id: nullableString,
  external_user: nullableString,
});

/** `"YYYY-MM-DD"`, or the `"YYYY-MM-DD 00:00:00"` some `/activity` bodies carry (reference §12) → the date. */
const activityDate = z
  .string()
  .min(1)
  .transform((s) => /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00:00(?:\.0+)?(?:Z|[+-]00:?00)?)?$/.exec(s.trim())?.[1] ?? s);

const activitySchema = z.looseObject({
  date: activityDate,
  model: z.string().min(1),
  model_permaslug: z.string().nullish(),
  endpoint_id: stringOrEmpty,
  provider_name: stringOrEmpty,
  usage: lenientNumber,
  byok_usage_inference: numberOrZero,
  requests: numberOrZero,
  prompt_tokens: numberOrZero,
  completion_tokens: numberOrZero,
  reasoning_tokens: numberOrZero,
});

const providerAttemptSchema = z.looseObject({
  provider_name: nullableString,
  status: nullableNumber,
  latency: nullableNumber,
  is_byok: nullableBoolean,
  model_permaslug: nullableString,
});

const generationSchema = z.looseObject({
  id: z.string().min(1),
  model: z.string().min(1),
  provider_name: nullableString,
  created_at: z.string().min(1),
  total_cost: lenientNumber,
  usage: nullableNumber,
  upstream_inference_cost: nullableNumber,
  cache_discount: nullableNumber,
  is_byok: lenientBoolean.nullish().transform((v) => v ?? false),
  streamed: nullableBoolean,
  cancelled: nullableBoolean,
  latency: nullableNumber,
  generation_time: nullableNumber,
  finish_reason: nullableString,
  native_finish_reason: nullableString,
  tokens_prompt: nullableNumber,
  tokens_completion: nullableNumber,
  native_tokens_prompt: nullableNumber,
  native_tokens_completion: nullableNumber,
  native_tokens_reasoning: nullableNumber,
  native_tokens_cached: nullableNumber,
  provider_responses: z
    .array(providerAttemptSchema)
    .nullish()
    .transform((v) => v ?? []),
  router: nullableString,
  api_type: nullableString,
});

const overrideSchema = z.looseObject({
  min_prompt_tokens: lenientNumber.nullish(),
  utc_start: lenientNumber.nullish(),
  utc_end: lenientNumber.nullish(),
  prompt: lenientNumber.nullish(),
  completion: lenientNumber.nullish(),
  input_cache_read: lenientNumber.nullish(),
  input_cache_write: lenientNumber.nullish(),
});

const pricingSchema = z.looseObject({
  prompt: lenientNumber,
  completion: lenientNumber,
  request: numberOrZero,
  input_cache_read: nullableNumber,
  input_cache_write: nullableNumber,
  internal_reasoning: nullableNumber,
  discount: numberOrZero,
  overrides: z
    .array(overrideSchema)
    .nullish()
    .transform((v) => v ?? []),
});

const modelSchema = z.looseObject({
  id: z.string().min(1),
  canonical_slug: z.string().nullish(),
  name: z.string().nullish(),
  context_length: nullableNumber,
  expiration_date: nullableString,
  pricing: pricingSchema,
});

/** Thrown by the parsers; the client turns it into an `OpenRouterError` of kind `malformed`. */
export class MalformedBodyError extends Error {
  override readonly name = 'MalformedBodyError';
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new MalformedBodyError(`${what}: ${issue?.message ?? 'invalid'}${where}`);
}

/** Parses a body text (leading/trailing whitespace tolerated). */
export function parseJsonBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') throw new MalformedBodyError('empty body');
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw new MalformedBodyError('body is not JSON');
  }
}

const envelope = z.looseObject({ data: z.unknown() });

/** `{ data: … }` → the `data` value, or a malformed error. */
export function unwrapData(body: unknown): unknown {
  const parsed = check(envelope, body, 'response');
  if (parsed.data === undefined || parsed.data === null) throw new MalformedBodyError('response: no data');
  return parsed.data;
}

function attempt(p: z.infer<typeof providerAttemptSchema>): ProviderAttempt {
  return {
    providerName: p.provider_name,
    status: p.status,
    latency: p.latency,
    isByok: p.is_byok,
    modelPermaslug: p.model_permaslug,
  };
}

export function parseCredits(data: unknown): Credits {
  const d = check(creditsSchema, data, 'credits');
  return { totalCredits: d.total_credits, totalUsage: d.total_usage, raw: d };
}

function keyUsage(d: z.infer<typeof currentKeySchema> | z.infer<typeof keyItemSchema>) {
  return {
    label: d.label,
    limit: d.limit,
    limitRemaining: d.limit_remaining,
    limitReset: d.limit_reset,
    includeByokInLimit: d.include_byok_in_limit,
    usage: d.usage,
    usageDaily: d.usage_daily,
    usageWeekly: d.usage_weekly,
    usageMonthly: d.usage_monthly,
    byokUsage: d.byok_usage,
    byokUsageDaily: d.byok_usage_daily,
    byokUsageWeekly: d.byok_usage_weekly,
    byokUsageMonthly: d.byok_usage_monthly,
    expiresAt: d.expires_at,
    creatorUserId: d.creator_user_id,
  };
}

export function parseCurrentKey(data: unknown): CurrentKey {
  const d = check(currentKeySchema, data, 'key');
  return {
    ...keyUsage(d),
    isFreeTier: d.is_free_tier,
    isManagementKey: d.is_management_key ?? d.is_provisioning_key ?? false,
    workspaceId: d.workspace_id,
    raw: d,
  };
}

export function parseKeyItem(data: unknown): KeyItem {
  const d = check(keyItemSchema, data, 'keys item');
  return {
    ...keyUsage(d),
    hash: d.hash,
    name: d.name ?? d.label,
    disabled: d.disabled,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    workspaceId: d.workspace_id,
    externalUser: d.external_user,
    raw: d,
  };
}

export function parseKeyList(data: unknown): KeyItem[] {
  return check(z.array(record), data, 'keys').map(parseKeyItem);
}

function parseActivityRow(data: unknown): ActivityRow {
  const d = check(activitySchema, data, 'activity row');
  return {
    date: d.date,
    model: d.model,
    modelPermaslug: d.model_permaslug ?? d.model,
    endpointId: d.endpoint_id,
    providerName: d.provider_name,
    usage: d.usage,
    byokUsageInference: d.byok_usage_inference,
    requests: d.requests,
    promptTokens: d.prompt_tokens,
    completionTokens: d.completion_tokens,
    reasoningTokens: d.reasoning_tokens,
    raw: d,
  };
}

export function parseActivity(data: unknown): ActivityRow[] {
  return check(z.array(record), data, 'activity').map(parseActivityRow);
}

export function parseGeneration(data: unknown): Generation {
  const d = check(generationSchema, data, 'generation');
  return {
    id: d.id,
    model: d.model,
    providerName: d.provider_name,
    createdAt: d.created_at,
    totalCost: d.total_cost,
    usage: d.usage ?? d.total_cost,
    upstreamInferenceCost: d.upstream_inference_cost,
    cacheDiscount: d.cache_discount,
    isByok: d.is_byok,
    streamed: d.streamed,
    cancelled: d.cancelled,
    latency: d.latency,
    generationTime: d.generation_time,
    finishReason: d.finish_reason,
    nativeFinishReason: d.native_finish_reason,
    tokensPrompt: d.tokens_prompt,
    tokensCompletion: d.tokens_completion,
    nativeTokensPrompt: d.native_tokens_prompt,
    nativeTokensCompletion: d.native_tokens_completion,
    nativeTokensReasoning: d.native_tokens_reasoning,
    nativeTokensCached: d.native_tokens_cached,
    providerResponses: d.provider_responses.map(attempt),
    router: d.router,
    apiType: d.api_type,
    raw: d,
  };
}

function override(o: z.infer<typeof overrideSchema>): PriceOverride {
  const out: PriceOverride = {};
  if (o.min_prompt_tokens != null) out.minPromptTokens = o.min_prompt_tokens;
  if (o.utc_start != null) out.utcStart = o.utc_start;
  if (o.utc_end != null) out.utcEnd = o.utc_end;
  if (o.prompt != null) out.prompt = o.prompt;
  if (o.completion != null) out.completion = o.completion;
  if (o.input_cache_read != null) out.inputCacheRead = o.input_cache_read;
  if (o.input_cache_write != null) out.inputCacheWrite = o.input_cache_write;
  return out;
}

export function parseModel(data: unknown): Model {
  const d = check(modelSchema, data, 'model');
  const p = d.pricing;
  const pricing: Pricing = {
    prompt: p.prompt,
    completion: p.completion,
    request: p.request,
    inputCacheRead: p.input_cache_read,
    inputCacheWrite: p.input_cache_write,
    internalReasoning: p.internal_reasoning,
    discount: p.discount,
    overrides: p.overrides.map(override),
  };
  return {
    id: d.id,
    canonicalSlug: d.canonical_slug ?? d.id,
    name: d.name ?? d.id,
    contextLength: d.context_length,
    expirationDate: d.expiration_date,
    pricing,
    raw: d,
  };
}

export function parseModelList(data: unknown): Model[] {
  return check(z.array(record), data, 'models').map(parseModel);
}
