/**
 * Domain shapes of the OpenRouter billing API, parsed at the boundary into camelCase.
 * Field meanings: ../shared/reference/openrouter-api.md (§2 credits, §3 key, §4 generation,
 * §5 activity, §6 models, §7 keys). Every type keeps the raw JSON for fields we do not model.
 */

/** `GET /credits` (management key). Balance = totalCredits − totalUsage. */
export interface Credits {
  totalCredits: number;
  totalUsage: number;
  /** The `data` object as received (unknown fields included). */
  raw?: Record<string, unknown>;
}

export type LimitReset = 'daily' | 'weekly' | 'monthly' | null;

/** Spend counters shared by `GET /key` and `GET /keys` items. */
export interface KeyUsage {
  label: string;
  limit: number | null;
  limitRemaining: number | null;
  limitReset: LimitReset | string;
  includeByokInLimit: boolean;
  usage: number;
  usageDaily: number;
  usageWeekly: number;
  usageMonthly: number;
  byokUsage: number;
  byokUsageDaily: number;
  byokUsageWeekly: number;
  byokUsageMonthly: number;
  expiresAt: string | null;
  creatorUserId: string | null;
}

/** `GET /key`: the key the request was made with. */
export interface CurrentKey extends KeyUsage {
  isFreeTier: boolean;
  isManagementKey: boolean;
  /** The key's workspace (reference §12); `null` when OpenRouter leaves it out. */
  workspaceId: string | null;
  raw: Record<string, unknown>;
}

/** One item of `GET /keys` (management key). */
export interface KeyItem extends KeyUsage {
  hash: string;
  name: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string | null;
  workspaceId: string | null;
  /** A partner's end-user id (reference §12); `null` when absent. */
  externalUser?: string | null;
  raw: Record<string, unknown>;
}

/** `GET /workspaces` item (management key; reference §12 "Workspaces"). */
export interface Workspace {
  id: string;
  name: string;
  slug: string;
}

/** One row of `GET /activity`: a (UTC date, model, endpoint) bucket. */
export interface ActivityRow {
  date: string; // YYYY-MM-DD
  model: string;
  modelPermaslug: string;
  endpointId: string;
  providerName: string;
  usage: number;
  byokUsageInference: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  /** The row as received (unknown fields such as `workspace_id` included). */
  raw?: Record<string, unknown>;
}

export interface ProviderAttempt {
  providerName: string | null;
  status: number | null;
  latency: number | null;
  isByok: boolean | null;
  modelPermaslug: string | null;
}

/** `GET /generation?id=` body `data`. Nullable fields follow the spec. */
export interface Generation {
  id: string;
  model: string;
  providerName: string | null;
  createdAt: string;
  totalCost: number;
  usage: number;
  upstreamInferenceCost: number | null;
  cacheDiscount: number | null;
  isByok: boolean;
  streamed: boolean | null;
  cancelled: boolean | null;
  latency: number | null;
  generationTime: number | null;
  finishReason: string | null;
  nativeFinishReason: string | null;
  tokensPrompt: number | null;
  tokensCompletion: number | null;
  nativeTokensPrompt: number | null;
  nativeTokensCompletion: number | null;
  nativeTokensReasoning: number | null;
  nativeTokensCached: number | null;
  providerResponses: ProviderAttempt[];
  router: string | null;
  apiType: string | null;
  raw: Record<string, unknown>;
}

/** A conditional price (`pricing.overrides[]`); later entries win per key. */
export interface PriceOverride {
  minPromptTokens?: number;
  utcStart?: number;
  utcEnd?: number;
  prompt?: number;
  completion?: number;
  inputCacheRead?: number;
  inputCacheWrite?: number;
}

/** `pricing` of a model, USD per token / request (strings parsed to numbers). */
export interface Pricing {
  prompt: number;
  completion: number;
  request: number;
  inputCacheRead: number | null;
  inputCacheWrite: number | null;
  internalReasoning: number | null;
  discount: number;
  overrides: PriceOverride[];
}

export interface Model {
  id: string;
  canonicalSlug: string;
  name: string;
  contextLength: number | null;
  expirationDate: string | null;
  pricing: Pricing;
  /** The model object as received (unknown fields included). */
  raw?: Record<string, unknown>;
}

/** What `PATCH /keys/{hash}` changes (reference §12): only the fields present are sent. */
export interface KeyPatch {
  disabled?: boolean;
  /** USD; `null` removes the limit. */
  limit?: number | null;
  limitReset?: LimitReset;
}

/** Per-call options. `budgetMs` bounds the whole call including retries. */
export interface CallOptions {
  budgetMs?: number;
  signal?: AbortSignal;
  /** Bypass the client's short TTL cache (the answer still refreshes it, and still joins an identical call in flight). */
  fresh?: boolean;
}

export interface ActivityQuery {
  date?: string;
  apiKeyHash?: string;
  /** Only this workspace; without it `/activity` covers every workspace (reference §12). */
  workspaceId?: string;
}

/** What the rest of the bot needs from OpenRouter. Implemented by `createOpenRouterClient`. */
export interface OpenRouterClient {
  readonly hasInferenceKey: boolean;
  readonly hasManagementKey: boolean;
  /** `/credits` with the management key. Throws MissingKeyError when it is not configured. */
  getCredits(opts?: CallOptions): Promise<Credits>;
  /** `/key` with the inference key. */
  getCurrentKey(opts?: CallOptions): Promise<CurrentKey>;
  /** `/generation?id=` with the inference key (management key as fallback). `null` = 404, not published (yet). */
  getGeneration(id: string, opts?: CallOptions): Promise<Generation | null>;
  /** `/activity` with the management key: last 30 completed UTC days. */
  getActivity(query?: ActivityQuery, opts?: CallOptions): Promise<ActivityRow[]>;
  /** `/workspaces`, every page. */
  listWorkspaces(opts?: CallOptions): Promise<Workspace[]>;
  /**
   * `/keys` of every workspace (each paged, offset += 100 until a short page), or of one workspace
   * with `workspaceId`. Each item carries its `workspaceId`.
   */
  listKeys(opts?: CallOptions & { includeDisabled?: boolean; workspaceId?: string }): Promise<KeyItem[]>;
  /** `GET /keys/{hash}` (management key), uncached. */
  getKey(hash: string, opts?: CallOptions): Promise<KeyItem>;
  /** `PATCH /keys/{hash}` (management key) with only the fields given; the key as it is afterwards. */
  updateKey(hash: string, patch: KeyPatch, opts?: CallOptions): Promise<KeyItem>;
  /** `/models` (text-output models; every modality with `all`); cached by the client for a while. */
  listModels(opts?: CallOptions & { all?: boolean }): Promise<Model[]>;
}
