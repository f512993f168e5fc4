/**
 * The simulator's key and workspace bodies: `/key`, `/keys` (list, one, PATCH) and `/workspaces`, with the
 * bodies OpenRouter sends (reference §7 and §12 "Workspaces, key changes, model identity"; field sets
 * checked against `@openrouter/sdk` 1.3.19's zod schemas by test/e2e/openrouter-sdk-conformance.test.ts).
 * @module
 */
import { keyUsage, type SimKey, type SimState, type SimWorkspace, utcDate } from './state.js';

export class SimHttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `/keys` item (reference §7.1; `external_user` and `workspace_id` per reference §12 / SDK `ListData`). */
export function keyItem(state: SimState, key: SimKey, now: Date) {
  return {
    hash: key.hash,
    name: key.name,
    disabled: key.disabled,
    ...keyUsage(state, key, now),
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    creator_user_id: key.creatorUserId,
    external_user: key.externalUser,
    workspace_id: key.workspaceId,
    expires_at: key.expiresAt,
  };
}

/**
 * `GET /keys`: pages of 100 by `offset`, newest first; `include_disabled`; and only the default
 * workspace's keys unless `workspace_id` names another ("By default, keys in the default workspace are
 * returned" [SPEC], reference §12). An unknown or malformed `workspace_id` is a 400.
 */
export function listKeys(state: SimState, query: URLSearchParams, now: Date) {
  const offset = Number(query.get('offset') ?? '0');
  if (!Number.isInteger(offset) || offset < 0) throw new SimHttpFailure(400, 'Invalid offset');
  const includeDisabled = query.get('include_disabled') === 'true';
  const workspaceParam = query.get('workspace_id');
  let workspaceId: string;
  if (workspaceParam !== null) {
    if (!UUID_RE.test(workspaceParam) || !state.workspaces.some((w) => w.id === workspaceParam))
      throw new SimHttpFailure(400, 'Invalid workspace_id');
    workspaceId = workspaceParam;
  } else {
    workspaceId = (state.workspaces.find((w) => w.isDefault) ?? state.workspaces[0])?.id ?? '';
  }
  return state.keys
    .filter((k) => !k.management && k.workspaceId === workspaceId && (includeDisabled || !k.disabled))
    .sort((a, b) => (a.createdAt === b.createdAt ? 0 : a.createdAt < b.createdAt ? 1 : -1))
    .slice(offset, offset + 100)
    .map((k) => keyItem(state, k, now));
}

export function findListedKey(state: SimState, hash: string): SimKey {
  const found = state.keys.find((k) => k.hash === hash && !k.management);
  if (!found) throw new SimHttpFailure(404, 'API key not found');
  return found;
}

const LIMIT_RESETS = new Set(['daily', 'weekly', 'monthly']);

/**
 * `PATCH /keys/{hash}` (management key): every field optional — `name`, `disabled`, `limit` (USD or
 * null), `limit_reset` (`daily|weekly|monthly|null`), `include_byok_in_limit` → `200 {data: KeyItem}`;
 * 400 on an invalid body, 404 on an unknown hash (reference §12 "PATCH /keys/{hash}"). A disabled key
 * then gets 401 on inference (the server's `authenticate`).
 */
export function patchKey(state: SimState, key: SimKey, body: unknown, now: Date) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SimHttpFailure(400, 'Invalid request body');
  const b = body as Record<string, unknown>;
  const bad = (field: string) => new SimHttpFailure(400, `Invalid value for ${field}`);
  if ('name' in b && (typeof b.name !== 'string' || b.name.trim() === '')) throw bad('name');
  if ('disabled' in b && typeof b.disabled !== 'boolean') throw bad('disabled');
  if ('limit' in b && b.limit !== null && !(typeof b.limit === 'number' && Number.isFinite(b.limit) && b.limit >= 0))
    throw bad('limit');
  if ('limit_reset' in b && b.limit_reset !== null && !LIMIT_RESETS.has(String(b.limit_reset)))
    throw bad('limit_reset');
  if ('include_byok_in_limit' in b && typeof b.include_byok_in_limit !== 'boolean') throw bad('include_byok_in_limit');
  if (typeof b.name === 'string') key.name = b.name;
  if (typeof b.disabled === 'boolean') key.disabled = b.disabled;
  if ('limit' in b) key.limit = b.limit as number | null;
  if ('limit_reset' in b) key.limitReset = b.limit_reset as SimKey['limitReset'];
  if (typeof b.include_byok_in_limit === 'boolean') key.includeByokInLimit = b.include_byok_in_limit;
  key.updatedAt = now.toISOString();
  return keyItem(state, key, now);
}

/** A workspace object with every field the SDK's `Workspace` schema requires (reference §12). */
function workspaceObject(w: SimWorkspace, userId: string) {
  return {
    id: w.id,
    name: w.name,
    slug: w.slug,
    description: w.description,
    created_at: w.createdAt,
    updated_at: null,
    created_by: userId,
    default_guardrail_id: '00000000-0000-4000-8000-000000000000',
    default_text_model: null,
    default_image_model: null,
    default_provider_sort: null,
    io_logging_api_key_ids: null,
    io_logging_sampling_rate: 1,
    is_data_discount_logging_enabled: false,
    is_observability_broadcast_enabled: false,
    is_observability_io_logging_enabled: false,
  };
}

/** `GET /workspaces` → `{data: Workspace[], total_count}`, paged by `offset`/`limit` (default 50, SDK). */
export function listWorkspaces(state: SimState, query: URLSearchParams) {
  const offset = Number(query.get('offset') ?? '0');
  const limit = Number(query.get('limit') ?? '50');
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1)
    throw new SimHttpFailure(400, 'Invalid pagination parameters');
  return {
    data: state.workspaces.slice(offset, offset + limit).map((w) => workspaceObject(w, state.account.userId)),
    total_count: state.workspaces.length,
  };
}

/** `GET /key` (and `/auth/key`) `data`, in the field order of real bodies (reference §3.1, §3.2). */
export function currentKeyBody(state: SimState, key: SimKey, now: Date) {
  const u = keyUsage(state, key, now);
  return {
    label: key.label,
    is_management_key: key.management,
    is_provisioning_key: key.management,
    limit: u.limit,
    limit_reset: u.limit_reset,
    limit_remaining: u.limit_remaining,
    include_byok_in_limit: u.include_byok_in_limit,
    usage: u.usage,
    usage_daily: u.usage_daily,
    usage_weekly: u.usage_weekly,
    usage_monthly: u.usage_monthly,
    byok_usage: u.byok_usage,
    byok_usage_daily: u.byok_usage_daily,
    byok_usage_weekly: u.byok_usage_weekly,
    byok_usage_monthly: u.byok_usage_monthly,
    is_free_tier: key.isFreeTier,
    expires_at: key.expiresAt,
    creator_user_id: key.creatorUserId,
    rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
    // Reference §12 (SDK `GetCurrentKeyData`, required there): data regions, the free-model daily
    // request cap (50 before any credit purchase, 1,000 after; reference §8.4), organization, workspace.
    allowed_data_regions: ['global'],
    free_model_daily_requests: freeModelRequests(state, key, now),
    organization_id: null,
    workspace_id: key.workspaceId,
  };
}

function freeModelRequests(state: SimState, key: SimKey, now: Date) {
  const today = utcDate(now);
  const limit = key.isFreeTier ? 50 : 1000;
  let used = 0;
  for (const row of state.activity)
    if (row.keyHash === key.hash && row.date === today && row.usage === 0 && row.byokUsageInference === 0)
      used += row.requests;
  return { limit, used: Math.min(used, limit), remaining: Math.max(0, limit - used) };
}
