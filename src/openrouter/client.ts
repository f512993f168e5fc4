/**
 * The OpenRouter billing client: one method per endpoint the bot calls, over the transport of
 * `transport.ts` (retries, per-endpoint circuit breakers, single-flight, TTL cache) and the lenient
 * parsing of `schemas.ts`.
 * @module
 */
import { MissingKeyError, OpenRouterError } from '../errors.js';
import {
  parseActivity,
  parseCredits,
  parseCurrentKey,
  parseGeneration,
  parseKeyItem,
  parseKeyList,
  parseModelList,
} from './schemas.js';
import { createTransport, type GetSpec, type KeyRole, type OpenRouterClientConfig } from './transport.js';

export type { OpenRouterClientConfig };

import type {
  ActivityQuery,
  ActivityRow,
  CallOptions,
  Credits,
  CurrentKey,
  Generation,
  KeyItem,
  KeyPatch,
  Model,
  OpenRouterClient,
  Workspace,
} from './types.js';
import { parseWorkspaceList } from './workspace-schemas.js';

/** The client plus a few operational handles. */
export interface OpenRouterHttpClient extends OpenRouterClient {
  /** `closed`, `open` or `half-open`: the worst over the endpoints (each has its own breaker). */
  readonly circuitState: string;
  /** The breaker state of one endpoint, e.g. `/generation`. */
  circuitStateOf(endpoint: string): string;
  clearCache(): void;
}

const PAGE_SIZE = 100;
const MAX_KEY_PAGES = 1_000;
const WORKSPACE_PAGE = 50;

/**
 * Builds a client.
 * @example
 * const or = createOpenRouterClient({ baseUrl: 'https://openrouter.ai/api/v1', managementKey });
 * const { totalCredits, totalUsage } = await or.getCredits({ budgetMs: 5_000 });
 */
export function createOpenRouterClient(config: OpenRouterClientConfig): OpenRouterHttpClient {
  const t = createTransport(config);
  const { get, getRequired, send, requireKey, ttl, now, defaultBudgetMs } = t;

  async function listWorkspaces(opts: CallOptions = {}): Promise<Workspace[]> {
    requireKey('management', 'Listing workspaces');
    const deadline = now() + (opts.budgetMs ?? defaultBudgetMs);
    const all: Workspace[] = [];
    for (let page = 0; page < MAX_KEY_PAGES; page++) {
      const items = await getRequired(
        {
          endpoint: '/workspaces',
          path: '/workspaces',
          query: { offset: page === 0 ? undefined : String(page * WORKSPACE_PAGE), limit: String(WORKSPACE_PAGE) },
          role: 'management',
          parse: parseWorkspaceList,
        },
        { ...opts, deadline },
      );
      all.push(...items);
      if (items.length < WORKSPACE_PAGE) break;
    }
    return all;
  }
  return {
    get hasInferenceKey() {
      return Boolean(config.apiKey);
    },
    get hasManagementKey() {
      return Boolean(config.managementKey);
    },
    get circuitState() {
      return t.circuitState;
    },
    circuitStateOf: (endpoint: string) => t.circuitStateOf(endpoint),
    clearCache() {
      t.clearCache();
    },

    /*
     * `/credits` is read with the management key only. With an inference key OpenRouter answers either
     * 403 "Only management keys can perform this operation" or, worse, 200 with zeros (reference §2.3),
     * so we never ask with one: a missing management key is a MissingKeyError before any call. The
     * opt-in `inferenceCreditsFallback` keeps the legacy path and still refuses a 403 or an all-zero answer.
     */
    async getCredits(opts = {}) {
      const spec: GetSpec<Credits> = {
        endpoint: '/credits',
        path: '/credits',
        role: 'management',
        parse: parseCredits,
        ttlMs: ttl.credits,
      };
      if (!config.managementKey && config.inferenceCreditsFallback && config.apiKey) {
        const missing = new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', 'Account balance');
        let credits: Credits;
        try {
          credits = await getRequired({ ...spec, role: 'inference' }, opts);
        } catch (error) {
          if (error instanceof OpenRouterError && error.status === 403) throw missing;
          throw error;
        }
        if (credits.totalCredits === 0 && credits.totalUsage === 0) throw missing;
        return credits;
      }
      requireKey('management', 'Account balance');
      return getRequired(spec, opts);
    },

    async getCurrentKey(opts = {}): Promise<CurrentKey> {
      requireKey('inference', 'Key status');
      return getRequired(
        { endpoint: '/key', path: '/key', role: 'inference', parse: parseCurrentKey, ttlMs: ttl.key },
        opts,
      );
    },

    async getGeneration(id, opts = {}): Promise<Generation | null> {
      if (!config.apiKey && !config.managementKey) throw new MissingKeyError('OPENROUTER_API_KEY', 'Request lookup');
      return get(
        {
          endpoint: '/generation',
          path: '/generation',
          query: { id },
          role: config.apiKey ? 'inference' : 'management',
          parse: parseGeneration,
          notFoundNull: true,
        },
        opts,
      );
    },

    async getActivity(query: ActivityQuery = {}, opts = {}): Promise<ActivityRow[]> {
      requireKey('management', 'Usage activity');
      return getRequired(
        {
          endpoint: '/activity',
          path: '/activity',
          query: { date: query.date, api_key_hash: query.apiKeyHash, workspace_id: query.workspaceId },
          role: 'management',
          parse: parseActivity,
        },
        opts,
      );
    },

    listWorkspaces,

    /*
     * `/keys` lists only the default workspace's keys unless `workspace_id` is given (reference §12), so
     * without a `workspaceId` this lists `/workspaces` and pages `/keys?workspace_id=` for each. An
     * account whose `/workspaces` answers 404 (an older API) gets the plain listing.
     */
    async listKeys(opts: CallOptions & { includeDisabled?: boolean; workspaceId?: string } = {}): Promise<KeyItem[]> {
      requireKey('management', 'Listing keys');
      const deadline = now() + (opts.budgetMs ?? defaultBudgetMs);
      const pageOf = async (workspaceId: string | undefined): Promise<KeyItem[]> => {
        const all: KeyItem[] = [];
        for (let page = 0; page < MAX_KEY_PAGES; page++) {
          const items = await getRequired(
            {
              endpoint: '/keys',
              path: '/keys',
              query: {
                offset: page === 0 ? undefined : String(page * PAGE_SIZE),
                include_disabled: opts.includeDisabled ? 'true' : undefined,
                workspace_id: workspaceId,
              },
              role: 'management',
              parse: parseKeyList,
            },
            { ...opts, deadline },
          );
          all.push(...items.map((k) => (k.workspaceId || !workspaceId ? k : { ...k, workspaceId })));
          if (items.length < PAGE_SIZE) break;
        }
        return all;
      };
      if (opts.workspaceId !== undefined) return pageOf(opts.workspaceId);
      let workspaces: Workspace[];
      try {
        workspaces = await listWorkspaces({ ...opts, budgetMs: Math.max(0, deadline - now()) });
      } catch (error) {
        if (error instanceof OpenRouterError && error.status === 404) return pageOf(undefined);
        throw error;
      }
      if (workspaces.length === 0) return pageOf(undefined);
      const seen = new Set<string>();
      const keys: KeyItem[] = [];
      for (const w of workspaces) {
        for (const k of await pageOf(w.id)) {
          if (seen.has(k.hash)) continue;
          seen.add(k.hash);
          keys.push(k);
        }
      }
      return keys;
    },

    /** `GET /keys/{hash}` (management key): one key, fresh (reference §12). */
    async getKey(hash: string, opts: CallOptions = {}): Promise<KeyItem> {
      requireKey('management', 'Reading a key');
      return getRequired(
        { endpoint: '/keys/:hash', path: `/keys/${encodeURIComponent(hash)}`, role: 'management', parse: parseKeyItem },
        opts,
      );
    },

    /** `PATCH /keys/{hash}` (management key): only the given fields change; answers the key as it is now. */
    async updateKey(hash: string, patch: KeyPatch, opts: CallOptions = {}): Promise<KeyItem> {
      requireKey('management', 'Changing a key');
      const body: Record<string, unknown> = {};
      if (patch.disabled !== undefined) body.disabled = patch.disabled;
      if (patch.limit !== undefined) body.limit = patch.limit;
      if (patch.limitReset !== undefined) body.limit_reset = patch.limitReset;
      return send(
        {
          endpoint: '/keys/:hash',
          path: `/keys/${encodeURIComponent(hash)}`,
          role: 'management',
          method: 'PATCH',
          body,
          parse: parseKeyItem,
        },
        opts,
      );
    },

    /** `/models` lists text-output models unless `output_modalities=all` (reference §6, §12): `all` asks for every one. */
    async listModels(opts: CallOptions & { all?: boolean } = {}): Promise<Model[]> {
      const role: KeyRole = config.apiKey ? 'inference' : config.managementKey ? 'management' : 'none';
      return getRequired(
        {
          endpoint: '/models',
          path: '/models',
          query: { output_modalities: opts.all ? 'all' : undefined },
          role,
          parse: parseModelList,
          ttlMs: ttl.models,
        },
        opts,
      );
    },
  };
}
