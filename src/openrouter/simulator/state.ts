/**
 * The simulator's state: the account, its keys, per-key daily activity, generations and models.
 * Plain data that tests mutate directly; the helpers keep the account totals consistent.
 * Computations (key usage windows, activity aggregation) are relative to the simulator clock.
 * @module
 */
import { createHash } from 'node:crypto';

export interface SimAccount {
  totalCredits: number;
  /** All-time usage; stays equal to the sum of activity usage plus a historical amount. */
  totalUsage: number;
  /** Clerk-style user id of the account owner. */
  userId: string;
}

export interface SimKey {
  /** The plaintext key, as sent in `Authorization: Bearer …`. */
  secret: string;
  /** SHA-256 hex of `secret`. */
  hash: string;
  name: string;
  /** Masked key, `sk-or-v1-abc...wxyz`. */
  label: string;
  disabled: boolean;
  /** A management key: admin endpoints only; not listed under `/keys`. */
  management: boolean;
  limit: number | null;
  limitReset: 'daily' | 'weekly' | 'monthly' | null;
  includeByokInLimit: boolean;
  isFreeTier: boolean;
  createdAt: string;
  updatedAt: string | null;
  expiresAt: string | null;
  creatorUserId: string | null;
  /** Every key lives in one workspace (reference §12 "Workspaces"). */
  workspaceId: string;
  /** A partner's end-user id; `null` for ordinary keys (`/keys` items carry it, SDK `external_user`). */
  externalUser: string | null;
  /** Usage from before the activity rows the simulator holds. */
  historicalUsage: number;
}

/** One key's spend on one UTC day, one model, one provider endpoint. */
export interface SimActivity {
  keyHash: string;
  date: string; // YYYY-MM-DD
  model: string;
  permaslug: string;
  endpointId: string;
  providerName: string;
  usage: number;
  byokUsageInference: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

export interface SimGeneration {
  /** The full `/generation` `data` object (snake_case, as OpenRouter sends it). */
  data: Record<string, unknown> & { id: string };
  /** Epoch ms on the simulator clock from which `/generation` answers 200 (404 before). */
  visibleAt: number;
  ownerKeyHash: string;
  /** Belongs to another user: 403 for this account's keys. */
  foreign?: boolean;
}

export type InferenceCreditsMode = '403' | 'zeros' | 'real';

/** A workspace as `GET /workspaces` lists it (reference §12 "Workspaces"; SDK `Workspace` schema). */
export interface SimWorkspace {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  createdAt: string;
  /** `GET /keys` without `workspace_id` lists only the default workspace's keys [SPEC]. */
  isDefault: boolean;
}

/** The id of the default workspace of an account the simulator creates. */
export const DEFAULT_WORKSPACE_ID = '0df9e665-d932-5740-b2c7-b52af166bc11';

export function defaultWorkspace(createdAt = '2025-01-01T00:00:00Z'): SimWorkspace {
  return { id: DEFAULT_WORKSPACE_ID, name: 'Default', slug: 'default', description: null, createdAt, isDefault: true };
}

export interface SimState {
  account: SimAccount;
  /** The account's workspaces; the one with `isDefault` is what `/keys` lists without `workspace_id`. */
  workspaces: SimWorkspace[];
  keys: SimKey[];
  activity: SimActivity[];
  generations: SimGeneration[];
  /** `/models` objects (snake_case, string prices). */
  models: Record<string, unknown>[];
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `sk-or-v1-0e6f…1c96` → `sk-or-v1-0e6...1c96`. */
function maskedLabel(secret: string): string {
  const m = /^(sk-or-v\d+-)(.*)$/.exec(secret);
  const prefix = m?.[1] ?? '';
  const rest = m?.[2] ?? secret;
  return `${prefix}${rest.slice(0, 3)}...${rest.slice(-4)}`;
}

export function emptyState(): SimState {
  return {
    account: { totalCredits: 0, totalUsage: 0, userId: 'user_sim0000000000000000000000' },
    workspaces: [defaultWorkspace()],
    keys: [],
    activity: [],
    generations: [],
    models: [],
  };
}

/** Adds a key built from its secret; the rest has sensible defaults. */
export function addKey(state: SimState, key: Partial<SimKey> & { secret: string; name: string }): SimKey {
  const created: SimKey = {
    hash: sha256Hex(key.secret),
    label: maskedLabel(key.secret),
    disabled: false,
    management: false,
    limit: null,
    limitReset: null,
    includeByokInLimit: false,
    isFreeTier: false,
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: null,
    expiresAt: null,
    creatorUserId: state.account.userId,
    workspaceId: DEFAULT_WORKSPACE_ID,
    externalUser: null,
    historicalUsage: 0,
    ...key,
  };
  state.keys.push(created);
  return created;
}

/** Adds activity rows; unless `countInTotal` is false, the account's totalUsage grows by their usage. */
export function addActivity(state: SimState, rows: SimActivity | SimActivity[], countInTotal = true): void {
  const list = Array.isArray(rows) ? rows : [rows];
  for (const row of list) {
    state.activity.push(row);
    if (countInTotal) state.account.totalUsage += row.usage;
  }
}

/**
 * Makes a key spend `usd` today (simulator clock `now`): a new activity row for today, so the key's
 * `usage`, `usage_daily/weekly/monthly` and `limit_remaining` grow as OpenRouter's would after real
 * inference, and the account's `total_usage` grows with it. Today's row stays out of `/activity`
 * until the UTC day completes (reference §5). For runaway-key tests.
 */
export function spendKey(
  state: SimState,
  keyHash: string,
  usd: number,
  now: Date,
  opts: { model?: string; permaslug?: string; requests?: number } = {},
): SimActivity {
  const key = state.keys.find((k) => k.hash === keyHash);
  if (!key) throw new Error(`spendKey: no key with hash ${keyHash}`);
  if (!(Number.isFinite(usd) && usd >= 0)) throw new Error('spendKey: usd must be a non-negative number');
  const model = opts.model ?? 'openai/gpt-4.1-mini';
  const row: SimActivity = {
    keyHash,
    date: utcDate(now),
    model,
    permaslug: opts.permaslug ?? `${model}-2025-04-14`,
    endpointId: '6f1f7c1e-0000-4000-a000-000000005e4d',
    providerName: 'OpenAI',
    usage: usd,
    byokUsageInference: 0,
    requests: opts.requests ?? Math.max(1, Math.round(usd * 100)),
    promptTokens: Math.round(usd * 250_000),
    completionTokens: Math.round(usd * 62_500),
    reasoningTokens: 0,
  };
  addActivity(state, row);
  return row;
}

export function setCredits(state: SimState, credits: { totalCredits?: number; totalUsage?: number }): void {
  if (credits.totalCredits !== undefined) state.account.totalCredits = credits.totalCredits;
  if (credits.totalUsage !== undefined) state.account.totalUsage = credits.totalUsage;
}

/** A complete spec `/generation` object with every required field; `fields` override the defaults. */
function generationData(fields: Record<string, unknown> & { id: string }): Record<string, unknown> & { id: string } {
  const totalCost = typeof fields.total_cost === 'number' ? fields.total_cost : 0.0015;
  return {
    upstream_id: `chatcmpl-${fields.id.slice(-12)}`,
    request_id: `req-${fields.id.slice(4)}`,
    total_cost: totalCost,
    usage: totalCost,
    upstream_inference_cost: 0,
    cache_discount: null,
    created_at: '2026-01-01T00:00:00.000Z',
    model: 'openai/gpt-4.1-2025-04-14',
    provider_name: 'OpenAI',
    provider_responses: null,
    app_id: null,
    origin: '',
    http_referer: null,
    user_agent: 'credits-bot-sim',
    external_user: null,
    session_id: null,
    preset_id: null,
    router: null,
    service_tier: null,
    streamed: false,
    cancelled: false,
    latency: 900,
    generation_time: 850,
    moderation_latency: null,
    finish_reason: 'stop',
    native_finish_reason: 'stop',
    tokens_prompt: 100,
    tokens_completion: 50,
    native_tokens_prompt: 100,
    native_tokens_completion: 50,
    native_tokens_completion_images: 0,
    native_tokens_reasoning: 0,
    native_tokens_cached: 0,
    num_media_prompt: 0,
    num_input_audio_prompt: 0,
    num_media_completion: 0,
    num_search_results: 0,
    num_fetches: 0,
    web_search_engine: null,
    is_byok: false,
    api_type: 'completions',
    data_region: 'global',
    workspace_id: null,
    ...fields,
  };
}

/** Adds a generation visible from `visibleAt` (epoch ms, default: at once). */
export function addGeneration(
  state: SimState,
  fields: Record<string, unknown> & { id: string },
  opts: { visibleAt?: number; ownerKeyHash?: string; foreign?: boolean } = {},
): SimGeneration {
  const gen: SimGeneration = {
    data: generationData(fields),
    visibleAt: opts.visibleAt ?? 0,
    ownerKeyHash: opts.ownerKeyHash ?? state.keys.find((k) => !k.management)?.hash ?? '',
    ...(opts.foreign ? { foreign: true } : {}),
  };
  state.generations.push(gen);
  return gen;
}

// ---- clock helpers (UTC) ----

export function utcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Monday of the UTC week containing `date`. */
function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((dow + 6) % 7));
}

/** The key's spend figures as `/key` and `/keys` report them, relative to `now`. */
export function keyUsage(state: SimState, key: SimKey, now: Date) {
  const today = utcDate(now);
  const monday = weekStart(today);
  const month = today.slice(0, 7);
  const sums = { all: 0, day: 0, week: 0, month: 0, byok: 0, byokDay: 0, byokWeek: 0, byokMonth: 0 };
  for (const row of state.activity) {
    if (row.keyHash !== key.hash || row.date > today) continue;
    sums.all += row.usage;
    sums.byok += row.byokUsageInference;
    if (row.date === today) {
      sums.day += row.usage;
      sums.byokDay += row.byokUsageInference;
    }
    if (row.date >= monday) {
      sums.week += row.usage;
      sums.byokWeek += row.byokUsageInference;
    }
    if (row.date.startsWith(month)) {
      sums.month += row.usage;
      sums.byokMonth += row.byokUsageInference;
    }
  }
  const usage = key.historicalUsage + sums.all;
  const window =
    key.limitReset === 'daily'
      ? sums.day + (key.includeByokInLimit ? sums.byokDay : 0)
      : key.limitReset === 'weekly'
        ? sums.week + (key.includeByokInLimit ? sums.byokWeek : 0)
        : key.limitReset === 'monthly'
          ? sums.month + (key.includeByokInLimit ? sums.byokMonth : 0)
          : usage + (key.includeByokInLimit ? sums.byok : 0);
  const round = (n: number) => Math.round(n * 1e9) / 1e9;
  return {
    label: key.label,
    limit: key.limit,
    limit_remaining: key.limit === null ? null : round(Math.max(0, key.limit - window)),
    limit_reset: key.limitReset,
    include_byok_in_limit: key.includeByokInLimit,
    usage: round(usage),
    usage_daily: round(sums.day),
    usage_weekly: round(sums.week),
    usage_monthly: round(sums.month),
    byok_usage: round(sums.byok),
    byok_usage_daily: round(sums.byokDay),
    byok_usage_weekly: round(sums.byokWeek),
    byok_usage_monthly: round(sums.byokMonth),
  };
}

/**
 * `/activity` rows: the last 30 completed UTC days before `now` (today excluded), one row per
 * (date, model, endpoint) summed over the selected keys.
 */
export function activityRows(
  state: SimState,
  now: Date,
  filter: { date?: string; keyHash?: string; workspaceId?: string; groupByWorkspace?: boolean } = {},
) {
  const today = utcDate(now);
  const first = addDays(today, -30);
  const buckets = new Map<string, SimActivity & { workspaceId: string }>();
  const workspaceOf = new Map(state.keys.map((k) => [k.hash, k.workspaceId]));
  for (const row of state.activity) {
    if (row.date >= today || row.date < first) continue;
    if (filter.date && row.date !== filter.date) continue;
    if (filter.keyHash && row.keyHash !== filter.keyHash) continue;
    const workspaceId = workspaceOf.get(row.keyHash) ?? '';
    if (filter.workspaceId && workspaceId !== filter.workspaceId) continue;
    const id = `${row.date}|${row.model}|${row.endpointId}${filter.groupByWorkspace ? `|${workspaceId}` : ''}`;
    const b = buckets.get(id);
    if (!b) {
      buckets.set(id, { ...row, workspaceId });
      continue;
    }
    b.usage += row.usage;
    b.byokUsageInference += row.byokUsageInference;
    b.requests += row.requests;
    b.promptTokens += row.promptTokens;
    b.completionTokens += row.completionTokens;
    b.reasoningTokens += row.reasoningTokens;
  }
  return [...buckets.values()]
    .sort((a, b) => (a.date === b.date ? b.usage - a.usage : a.date < b.date ? 1 : -1))
    .map((r) => ({
      date: r.date,
      model: r.model,
      model_permaslug: r.permaslug,
      endpoint_id: r.endpointId,
      provider_name: r.providerName,
      usage: Math.round(r.usage * 1e9) / 1e9,
      byok_usage_inference: Math.round(r.byokUsageInference * 1e9) / 1e9,
      requests: r.requests,
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      reasoning_tokens: r.reasoningTokens,
      ...(filter.groupByWorkspace ? { workspace_id: r.workspaceId } : {}),
    }));
}
