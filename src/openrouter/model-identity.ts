/**
 * Model identity through `/models`: `/generation` and `/activity` name a model by its versioned
 * permaslug (`anthropic/claude-4.5-sonnet-20250929`), apps log the slug (`anthropic/claude-sonnet-4.5`),
 * and the permaslug is not always the slug plus a date (`qwen/qwen3-235b-a22b-07-25` for
 * `qwen/qwen3-235b-a22b-2507`). `/models` carries both (`id` ↔ `canonical_slug`), so the map comes from
 * there (reference §12 "Model identity"), never from string surgery.
 * @module
 */
import type { CallOptions, Model, OpenRouterClient } from './types.js';

export interface ModelIndex {
  /** The model's canonical slug (permaslug) when `/models` knows the name, else the name lower-cased. */
  canonical(name: string): string;
  /** Whether two names (slug, permaslug or a `:variant`) name one model. Unknown names compare as written. */
  same(a: string, b: string): boolean;
  /** Whether `/models` knows the name. */
  knows(name: string): boolean;
}

const norm = (name: string) => name.trim().toLowerCase();

/**
 * The index over a `/models` list. A `:variant` (`:free`, `:thinking`) names its base model, as its
 * `canonical_slug` does on OpenRouter; a name without an author (`claude-sonnet-4.5`) resolves when
 * exactly one model has it after the `/`.
 */
export function buildModelIndex(models: readonly Pick<Model, 'id' | 'canonicalSlug'>[]): ModelIndex {
  const byName = new Map<string, string>();
  const byBareName = new Map<string, string | null>();
  const add = (name: string, canonical: string) => {
    const n = norm(name);
    if (!n) return;
    if (!byName.has(n)) byName.set(n, canonical);
    const bare = n.slice(n.indexOf('/') + 1);
    const seen = byBareName.get(bare);
    byBareName.set(bare, seen === undefined || seen === canonical ? canonical : null);
  };
  for (const m of models) {
    const canonical = norm(m.canonicalSlug || m.id);
    add(m.id, canonical);
    add(canonical, canonical);
  }
  const lookup = (name: string): string | undefined => {
    const n = norm(name);
    const direct = byName.get(n) ?? byName.get(n.replace(/:[a-z0-9-]+$/, ''));
    if (direct) return direct;
    if (!n.includes('/')) return byBareName.get(n.replace(/:[a-z0-9-]+$/, '')) ?? undefined;
    return undefined;
  };
  return {
    canonical: (name) => lookup(name) ?? norm(name),
    same: (a, b) => (lookup(a) ?? norm(a)) === (lookup(b) ?? norm(b)),
    knows: (name) => lookup(name) !== undefined,
  };
}

export interface ModelIdentity {
  /** The index over every model (`/models?output_modalities=all`), rebuilt when the client's cached list changes. */
  index(opts?: CallOptions): Promise<ModelIndex>;
  canonicalModel(name: string, opts?: CallOptions): Promise<string>;
  sameModel(a: string, b: string, opts?: CallOptions): Promise<boolean>;
}

/**
 * The cached permaslug ↔ slug map for the rest of the bot. The list comes from the client, whose
 * `/models` cache (1 h by default) bounds how often it is fetched; the index is rebuilt only when the
 * list object changes.
 * @example
 * const ids = createModelIdentity(openrouter);
 * await ids.sameModel('anthropic/claude-sonnet-4.5', 'anthropic/claude-4.5-sonnet-20250929'); // true
 */
export function createModelIdentity(client: Pick<OpenRouterClient, 'listModels'>): ModelIdentity {
  let cached: { list: readonly Model[]; index: ModelIndex } | undefined;
  const index = async (opts: CallOptions = {}) => {
    const list = await client.listModels({ ...opts, all: true });
    if (cached?.list !== list) cached = { list, index: buildModelIndex(list) };
    return cached.index;
  };
  return {
    index,
    canonicalModel: async (name, opts) => (await index(opts)).canonical(name),
    sameModel: async (a, b, opts) => (await index(opts)).same(a, b),
  };
}
