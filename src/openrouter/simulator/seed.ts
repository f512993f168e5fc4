/**
 * Deterministic demo data for the simulator: current models with string prices, five API keys plus
 * a management key, 45 days of per-key activity (weekly pattern, one spike day), credits with a runway
 * of a few weeks, and a handful of notable generations. Everything derives from `now` and a seeded
 * PRNG, so the same `now` always gives the same state.
 * @module
 */
import {
  addGeneration,
  addKey,
  defaultWorkspace,
  type SimActivity,
  type SimKey,
  type SimState,
  sha256Hex,
  utcDate,
} from './state.js';

/** Clearly fake keys; the simulator accepts them, OpenRouter never would. */
export const DEMO_INFERENCE_KEY = 'sk-or-v1-demo-inference-not-a-real-key-00000000000000000000000000000prod';
export const DEMO_MANAGEMENT_KEY = 'sk-or-v1-demo-management-not-a-real-key-0000000000000000000000000000mgmt';
export const DEMO_KEYS = {
  production: DEMO_INFERENCE_KEY,
  staging: 'sk-or-v1-demo-staging-not-a-real-key-0000000000000000000000000000000stag',
  ci: 'sk-or-v1-demo-ci-not-a-real-key-00000000000000000000000000000000000000ci01',
  aliceDev: 'sk-or-v1-demo-alice-dev-not-a-real-key-000000000000000000000000000000alic',
  disabled: 'sk-or-v1-demo-old-prototype-not-a-real-key-0000000000000000000000000old1',
  /** Keys of the second workspace ("Research"): `/keys` lists them only with its `workspace_id`. */
  researchBatch: 'sk-or-v1-demo-research-batch-not-a-real-key-00000000000000000000000rsb1',
  researchNotebook: 'sk-or-v1-demo-research-notebook-not-a-real-key-00000000000000000000rsn1',
  management: DEMO_MANAGEMENT_KEY,
} as const;

/** The demo account's second workspace (reference §12 "Workspaces"). */
export const DEMO_RESEARCH_WORKSPACE_ID = 'b7c1e0a2-5d4f-4e3a-9c2b-1f0e6d5a4c3b';

/** Ids of the notable generations (the id's timestamp part is fixed; `created_at` follows `now`). */
export const DEMO_GENERATION_IDS = {
  simple: 'gen-1767225600-Fo6eODcuRTI4SOm6VCIQ',
  cacheDiscount: 'gen-1767225601-Qk3vTz8LmN2pXs7RbC4d',
  byok: 'gen-1767225602-Hy5wJc1KeM9oVr3TnA6u',
  cancelledStream: 'gen-1767225603-Zb2xLp7GqW4sDf8YhE1k',
  fallbackAfter429: 'gen-1767225604-1FJRHH9DliPkfVmjcn64',
  pending: 'gen-1767225605-69G3NWBcgFD1qVNA4n0h',
} as const;

/** How long after the seed's `now` the pending generation becomes visible. */
export const DEMO_PENDING_VISIBLE_AFTER_MS = 3_000;

/** mulberry32: small, fast, deterministic. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelDef {
  id: string;
  name: string;
  permaslug: string;
  prompt: string;
  completion: string;
  context: number;
  providers: string[];
  cacheRead?: string;
  cacheWrite?: string;
  overrides?: Record<string, unknown>[];
  expiresInDays?: number;
  reasoning?: boolean;
  /** Default `['text']`; `/models` hides models without text output unless `output_modalities=all`. */
  outputModalities?: string[];
  created: number;
}

const MODELS: ModelDef[] = [
  {
    id: 'openai/gpt-4.1',
    name: 'OpenAI: GPT-4.1',
    permaslug: 'openai/gpt-4.1-2025-04-14',
    prompt: '0.000002',
    completion: '0.000008',
    cacheRead: '0.0000005',
    context: 1047576,
    providers: ['OpenAI', 'Azure'],
    created: 1744651385,
  },
  {
    id: 'openai/gpt-4.1-mini',
    name: 'OpenAI: GPT-4.1 Mini',
    permaslug: 'openai/gpt-4.1-mini-2025-04-14',
    prompt: '0.0000004',
    completion: '0.0000016',
    cacheRead: '0.0000001',
    context: 1047576,
    providers: ['OpenAI'],
    created: 1744651381,
  },
  {
    id: 'anthropic/claude-sonnet-4.5',
    name: 'Anthropic: Claude Sonnet 4.5',
    permaslug: 'anthropic/claude-4.5-sonnet-20250929',
    prompt: '0.000003',
    completion: '0.000015',
    cacheRead: '0.0000003',
    cacheWrite: '0.00000375',
    context: 1000000,
    providers: ['Anthropic', 'Amazon Bedrock', 'Google Vertex'],
    overrides: [
      {
        min_prompt_tokens: 200000,
        prompt: '0.000006',
        completion: '0.0000225',
        input_cache_read: '0.0000006',
        input_cache_write: '0.0000075',
      },
    ],
    created: 1759161676,
  },
  {
    id: 'anthropic/claude-haiku-4.5',
    name: 'Anthropic: Claude Haiku 4.5',
    permaslug: 'anthropic/claude-4.5-haiku-20251001',
    prompt: '0.000001',
    completion: '0.000005',
    cacheRead: '0.0000001',
    cacheWrite: '0.00000125',
    context: 200000,
    providers: ['Anthropic', 'Amazon Bedrock'],
    created: 1760547638,
  },
  {
    id: 'google/gemini-2.5-flash',
    name: 'Google: Gemini 2.5 Flash',
    permaslug: 'google/gemini-2.5-flash',
    prompt: '0.0000003',
    completion: '0.0000025',
    cacheRead: '0.00000003',
    context: 1048576,
    providers: ['Google AI Studio', 'Google Vertex'],
    reasoning: true,
    created: 1750172488,
  },
  {
    id: 'google/gemini-2.5-pro',
    name: 'Google: Gemini 2.5 Pro',
    permaslug: 'google/gemini-2.5-pro',
    prompt: '0.00000125',
    completion: '0.00001',
    cacheRead: '0.00000031',
    context: 1048576,
    providers: ['Google Vertex', 'Google AI Studio'],
    overrides: [{ min_prompt_tokens: 200000, prompt: '0.0000025', completion: '0.000015' }],
    reasoning: true,
    created: 1750169544,
  },
  {
    id: 'deepseek/deepseek-chat-v3.1',
    name: 'DeepSeek: DeepSeek V3.1',
    permaslug: 'deepseek/deepseek-chat-v3.1',
    prompt: '0.0000002',
    completion: '0.0000008',
    context: 163840,
    providers: ['DeepInfra', 'Chutes'],
    expiresInDays: 21,
    created: 1755779628,
  },
  {
    id: 'meta-llama/llama-3.3-70b-instruct',
    name: 'Meta: Llama 3.3 70B Instruct',
    permaslug: 'meta-llama/llama-3.3-70b-instruct',
    prompt: '0.00000013',
    completion: '0.0000004',
    context: 131072,
    providers: ['DeepInfra', 'Together'],
    created: 1733506137,
  },
  {
    id: 'meta-llama/llama-3.3-70b-instruct:free',
    name: 'Meta: Llama 3.3 70B Instruct (free)',
    permaslug: 'meta-llama/llama-3.3-70b-instruct',
    prompt: '0',
    completion: '0',
    context: 65536,
    providers: ['Chutes'],
    created: 1733506137,
  },
  {
    id: 'mistralai/mistral-small-3.2',
    name: 'Mistral: Mistral Small 3.2 24B',
    permaslug: 'mistralai/mistral-small-3.2-24b-instruct-2506',
    prompt: '0.00000005',
    completion: '0.0000001',
    context: 131072,
    providers: ['Mistral'],
    created: 1750443016,
  },
  {
    id: 'x-ai/grok-4-fast',
    name: 'xAI: Grok 4 Fast',
    permaslug: 'x-ai/grok-4-fast',
    prompt: '0.0000002',
    completion: '0.0000005',
    cacheRead: '0.00000005',
    context: 2000000,
    providers: ['xAI'],
    reasoning: true,
    created: 1758240090,
  },
  {
    id: 'qwen/qwen3-coder',
    name: 'Qwen: Qwen3 Coder 480B A35B',
    permaslug: 'qwen/qwen3-coder-480b-a35b-07-25',
    prompt: '0.00000022',
    completion: '0.00000095',
    context: 262144,
    providers: ['Alibaba', 'DeepInfra'],
    created: 1753230546,
  },
  {
    // The permaslug is not the id plus a date: the date is shortened and reordered (reference §12
    // "Model identity": `qwen/qwen3-235b-a22b-07-25` for `qwen/qwen3-235b-a22b-2507`).
    id: 'qwen/qwen3-235b-a22b-2507',
    name: 'Qwen: Qwen3 235B A22B Instruct 2507',
    permaslug: 'qwen/qwen3-235b-a22b-07-25',
    prompt: '0.00000008',
    completion: '0.00000055',
    context: 262144,
    providers: ['DeepInfra', 'Together'],
    created: 1753119555,
  },
  {
    // An image-output model: only `/models?output_modalities=all` lists it (reference §6, §12).
    // Prices illustrative.
    id: 'black-forest-labs/flux.2-pro',
    name: 'Black Forest Labs: FLUX.2 Pro',
    permaslug: 'black-forest-labs/flux.2-pro-20251125',
    prompt: '0.000004',
    completion: '0.00003',
    context: 32768,
    providers: ['Black Forest Labs'],
    outputModalities: ['image'],
    created: 1764028800,
  },
];

function modelObject(def: ModelDef, now: Date): Record<string, unknown> {
  const pricing: Record<string, unknown> = {
    prompt: def.prompt,
    completion: def.completion,
    request: '0',
    image: '0',
    web_search: '0',
    internal_reasoning: '0',
  };
  if (def.cacheRead) pricing.input_cache_read = def.cacheRead;
  if (def.cacheWrite) pricing.input_cache_write = def.cacheWrite;
  if (def.overrides) pricing.overrides = def.overrides;
  const model: Record<string, unknown> = {
    id: def.id,
    canonical_slug: def.permaslug,
    hugging_face_id: null,
    name: def.name,
    created: def.created,
    description: `${def.name} (simulated).`,
    context_length: def.context,
    architecture: {
      modality: `text->${(def.outputModalities ?? ['text']).join('+')}`,
      input_modalities: ['text'],
      output_modalities: def.outputModalities ?? ['text'],
      tokenizer: def.id.split('/')[0] ?? 'Other',
      instruct_type: null,
    },
    pricing,
    top_provider: {
      context_length: def.context,
      max_completion_tokens: 32768,
      is_moderated: def.id.startsWith('openai/') || def.id.startsWith('anthropic/'),
    },
    per_request_limits: null,
    supported_parameters: def.reasoning
      ? ['max_tokens', 'temperature', 'tools', 'reasoning', 'include_reasoning']
      : ['max_tokens', 'temperature', 'tools'],
    default_parameters: null,
    supported_voices: null,
    links: { details: `/api/v1/models/${def.id}/endpoints` },
  };
  if (def.expiresInDays !== undefined)
    model.expiration_date = utcDate(new Date(now.getTime() + def.expiresInDays * 86_400_000));
  return model;
}

function uuidFrom(text: string): string {
  const h = sha256Hex(text);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Profile {
  key: string;
  daily: number;
  weekendFactor: number;
  mix: [model: string, weight: number][];
  byokModels?: string[];
  /** Only active this many days back and older (a key disabled since). */
  activeUntilDaysAgo?: number;
}

const PROFILES: Profile[] = [
  {
    key: 'production',
    daily: 8.5,
    weekendFactor: 0.45,
    mix: [
      ['anthropic/claude-sonnet-4.5', 0.42],
      ['openai/gpt-4.1', 0.22],
      ['openai/gpt-4.1-mini', 0.12],
      ['google/gemini-2.5-flash', 0.1],
      ['google/gemini-2.5-pro', 0.08],
      ['deepseek/deepseek-chat-v3.1', 0.06],
    ],
  },
  {
    key: 'staging',
    daily: 1.6,
    weekendFactor: 0.2,
    mix: [
      ['anthropic/claude-haiku-4.5', 0.5],
      ['openai/gpt-4.1-mini', 0.3],
      ['x-ai/grok-4-fast', 0.2],
    ],
  },
  {
    key: 'ci',
    daily: 0.9,
    weekendFactor: 0,
    mix: [
      ['openai/gpt-4.1-mini', 0.6],
      ['mistralai/mistral-small-3.2', 0.25],
      ['meta-llama/llama-3.3-70b-instruct:free', 0.15],
    ],
  },
  {
    key: 'aliceDev',
    daily: 1.1,
    weekendFactor: 0.6,
    mix: [
      ['anthropic/claude-sonnet-4.5', 0.5],
      ['qwen/qwen3-coder', 0.3],
      ['meta-llama/llama-3.3-70b-instruct', 0.2],
    ],
    byokModels: ['anthropic/claude-sonnet-4.5'],
  },
  {
    key: 'disabled',
    daily: 1.4,
    weekendFactor: 0.5,
    mix: [
      ['openai/gpt-4.1', 0.7],
      ['google/gemini-2.5-flash', 0.3],
    ],
    activeUntilDaysAgo: 26,
  },
];

/** The second workspace's keys; their own PRNG, so the default workspace's figures stay as they were. */
const RESEARCH_PROFILES: Profile[] = [
  {
    key: 'researchBatch',
    daily: 2.4,
    weekendFactor: 0.9,
    mix: [
      ['qwen/qwen3-235b-a22b-2507', 0.6],
      ['google/gemini-2.5-pro', 0.4],
    ],
  },
  {
    key: 'researchNotebook',
    daily: 0.5,
    weekendFactor: 0.3,
    mix: [['anthropic/claude-haiku-4.5', 1]],
  },
];

const DAYS_OF_ACTIVITY = 45;
const SPIKE_DAYS_AGO = 9;
const r9 = (n: number) => Math.round(n * 1e9) / 1e9;

function buildActivity(
  state: SimState,
  now: Date,
  keys: Record<string, SimKey>,
  rnd: () => number,
  profiles: Profile[] = PROFILES,
): SimActivity[] {
  const rows: SimActivity[] = [];
  const today = utcDate(now);
  const dayFraction = (now.getTime() - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
  for (let ago = DAYS_OF_ACTIVITY; ago >= 0; ago--) {
    const date = utcDate(new Date(now.getTime() - ago * 86_400_000));
    const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
    const weekend = dow === 0 || dow === 6;
    for (const p of profiles) {
      const key = keys[p.key];
      if (!key || (p.activeUntilDaysAgo !== undefined && ago < p.activeUntilDaysAgo)) continue;
      let spend = p.daily * (weekend ? p.weekendFactor : 1) * (0.8 + rnd() * 0.4);
      if (ago === SPIKE_DAYS_AGO && p.key === 'production') spend *= 4;
      if (ago === 0) spend *= dayFraction;
      if (spend <= 0) continue;
      for (const [modelId, weight] of p.mix) {
        const def = MODELS.find((m) => m.id === modelId);
        if (!def) continue;
        const cost = spend * weight * (0.85 + rnd() * 0.3);
        const byok = p.byokModels?.includes(modelId) ?? false;
        const split = def.providers.length > 1 && rnd() < 0.4 ? 0.8 : 1;
        const parts: [string, number][] = [[def.providers[0] ?? 'OpenAI', split]];
        if (split < 1) parts.push([def.providers[1] ?? 'OpenAI', 1 - split]);
        for (const [provider, share] of parts) {
          const c = cost * share;
          const promptPrice = Number(def.prompt) || 0.0000001;
          const completionPrice = Number(def.completion) || 0.0000003;
          const promptTokens = Math.round((c * 0.55) / promptPrice);
          const completionTokens = Math.round((c * 0.45) / completionPrice);
          rows.push({
            keyHash: key.hash,
            date,
            model: def.id,
            permaslug: def.permaslug,
            endpointId: uuidFrom(`${def.id}|${provider}`),
            providerName: provider,
            usage: byok || def.prompt === '0' ? 0 : r9(c),
            byokUsageInference: byok ? r9(c) : 0,
            requests: Math.max(1, Math.round((promptTokens + completionTokens) / 2400)),
            promptTokens,
            completionTokens,
            reasoningTokens: def.reasoning ? Math.round(completionTokens * 0.3) : 0,
          });
        }
      }
    }
  }
  state.activity.push(...rows);
  return rows;
}

function buildGenerations(state: SimState, now: Date, keys: Record<string, SimKey>): void {
  const t = now.getTime();
  const at = (minutesAgo: number) => new Date(t - minutesAgo * 60_000).toISOString();
  const prod = keys.production?.hash ?? '';
  const alice = keys.aliceDev?.hash ?? '';
  const visible = (minutesAgo: number) => ({ visibleAt: t - minutesAgo * 60_000 + 1_500, ownerKeyHash: prod });
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.simple,
      created_at: at(42),
      model: 'openai/gpt-4.1-2025-04-14',
      provider_name: 'OpenAI',
      total_cost: 0.001502,
      upstream_inference_cost: 0,
      tokens_prompt: 423,
      tokens_completion: 82,
      native_tokens_prompt: 431,
      native_tokens_completion: 80,
      latency: 2310,
      generation_time: 2150,
      provider_responses: [
        {
          endpoint_id: uuidFrom('openai/gpt-4.1|OpenAI'),
          model_permaslug: 'openai/gpt-4.1-2025-04-14',
          provider_name: 'OpenAI',
          status: 200,
          latency: 2310,
          is_byok: false,
        },
      ],
    },
    visible(42),
  );
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.cacheDiscount,
      created_at: at(35),
      model: 'anthropic/claude-4.5-sonnet-20250929',
      provider_name: 'Anthropic',
      total_cost: 0.0216732,
      cache_discount: 0.0291168,
      upstream_inference_cost: 0,
      tokens_prompt: 12480,
      tokens_completion: 612,
      native_tokens_prompt: 12480,
      native_tokens_completion: 612,
      native_tokens_cached: 10784,
      latency: 6120,
      generation_time: 5900,
      streamed: true,
      finish_reason: 'stop',
      native_finish_reason: 'end_turn',
    },
    visible(35),
  );
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.byok,
      created_at: at(28),
      model: 'anthropic/claude-4.5-sonnet-20250929',
      provider_name: 'Anthropic',
      total_cost: 0,
      is_byok: true,
      upstream_inference_cost: 0.020415,
      tokens_prompt: 4210,
      tokens_completion: 519,
      native_tokens_prompt: 4210,
      native_tokens_completion: 519,
      latency: 4480,
      generation_time: 4300,
      finish_reason: 'stop',
      native_finish_reason: 'end_turn',
    },
    { visibleAt: t - 28 * 60_000 + 1_500, ownerKeyHash: alice },
  );
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.cancelledStream,
      created_at: at(21),
      model: 'google/gemini-2.5-pro',
      provider_name: 'Google Vertex',
      total_cost: 0.00641,
      streamed: true,
      cancelled: true,
      finish_reason: null,
      native_finish_reason: null,
      tokens_prompt: 2048,
      tokens_completion: 385,
      native_tokens_prompt: 2048,
      native_tokens_completion: 385,
      native_tokens_reasoning: 256,
      latency: 3900,
      generation_time: 3700,
    },
    visible(21),
  );
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.fallbackAfter429,
      created_at: at(14),
      model: 'google/gemini-2.5-flash',
      provider_name: 'Google AI Studio',
      total_cost: 0.0001402,
      upstream_inference_cost: 0,
      upstream_id: null,
      latency: 1643,
      generation_time: 3881,
      moderation_latency: null,
      tokens_prompt: 118,
      tokens_completion: 42,
      native_tokens_prompt: 118,
      native_tokens_completion: 42,
      native_tokens_reasoning: 0,
      provider_responses: [
        {
          endpoint_id: uuidFrom('google/gemini-2.5-flash|Google Vertex'),
          is_byok: false,
          latency: 327,
          model_permaslug: 'google/gemini-2.5-flash',
          provider_name: 'Google Vertex',
          status: 429,
        },
        {
          endpoint_id: uuidFrom('google/gemini-2.5-flash|Google AI Studio'),
          is_byok: false,
          latency: 1643,
          model_permaslug: 'google/gemini-2.5-flash',
          provider_name: 'Google AI Studio',
          status: 200,
        },
      ],
    },
    visible(14),
  );
  const plain: [string, string, string, number, number, number][] = [
    ['gen-1767225606-Lm4NcX9vB2qR7tY1wK5e', 'openai/gpt-4.1-mini-2025-04-14', 'OpenAI', 0.000212, 310, 55],
    ['gen-1767225607-Pa8DkS3fG6hJ0zU2iO9r', 'deepseek/deepseek-chat-v3.1', 'DeepInfra', 0.000489, 1540, 226],
    ['gen-1767225608-Wt1YbN5mC8vX3qL7sE2a', 'x-ai/grok-4-fast', 'xAI', 0.000356, 880, 361],
    ['gen-1767225609-Ru6HjK2dF9gA4pZ0oI3n', 'meta-llama/llama-3.3-70b-instruct', 'Chutes', 0, 640, 190],
  ];
  plain.forEach(([id, model, provider, cost, prompt, completion], i) => {
    addGeneration(
      state,
      {
        id,
        created_at: at(9 - i * 2),
        model,
        provider_name: provider,
        total_cost: cost,
        tokens_prompt: prompt,
        tokens_completion: completion,
        native_tokens_prompt: prompt,
        native_tokens_completion: completion,
      },
      visible(9 - i * 2),
    );
  });
  addGeneration(
    state,
    {
      id: DEMO_GENERATION_IDS.pending,
      created_at: new Date(t).toISOString(),
      model: 'anthropic/claude-4.5-haiku-20251001',
      provider_name: 'Anthropic',
      total_cost: 0.003115,
      tokens_prompt: 1870,
      tokens_completion: 249,
      native_tokens_prompt: 1870,
      native_tokens_completion: 249,
      latency: 1980,
      generation_time: 1850,
    },
    { visibleAt: t + DEMO_PENDING_VISIBLE_AFTER_MS, ownerKeyHash: prod },
  );
}

/** The demo state at `now`: same `now`, same state. */
export function createDemoSeed(now: Date): SimState {
  const rnd = seededRandom(20_260_101);
  const day = 86_400_000;
  const t = now.getTime();
  const iso = (daysAgo: number) => new Date(t - daysAgo * day).toISOString();
  const state: SimState = {
    account: { totalCredits: 0, totalUsage: 0, userId: 'user_2demoAcct0000000000000000' },
    workspaces: [
      defaultWorkspace(iso(420)),
      {
        id: DEMO_RESEARCH_WORKSPACE_ID,
        name: 'Research',
        slug: 'research',
        description: 'Batch evaluations and notebooks',
        createdAt: iso(90),
        isDefault: false,
      },
    ],
    keys: [],
    activity: [],
    generations: [],
    models: MODELS.map((m) => modelObject(m, now)),
  };
  const keys: Record<string, SimKey> = {
    management: addKey(state, {
      secret: DEMO_KEYS.management,
      name: 'ops-management',
      management: true,
      createdAt: iso(420),
    }),
    disabled: addKey(state, {
      secret: DEMO_KEYS.disabled,
      name: 'old-prototype',
      disabled: true,
      limit: 25,
      createdAt: iso(500),
      updatedAt: iso(26),
      historicalUsage: 48.112,
    }),
    production: addKey(state, {
      secret: DEMO_KEYS.production,
      name: 'production',
      limit: 600,
      limitReset: 'monthly',
      createdAt: iso(400),
      updatedAt: iso(40),
      historicalUsage: 642.35,
    }),
    staging: addKey(state, {
      secret: DEMO_KEYS.staging,
      name: 'staging',
      limit: 60,
      limitReset: 'weekly',
      createdAt: iso(300),
      historicalUsage: 84.9,
    }),
    ci: addKey(state, {
      secret: DEMO_KEYS.ci,
      name: 'ci',
      limit: 5,
      limitReset: 'daily',
      createdAt: iso(200),
      expiresAt: new Date(t + 90 * day).toISOString(),
      historicalUsage: 21.7,
    }),
    aliceDev: addKey(state, {
      secret: DEMO_KEYS.aliceDev,
      name: 'alice-dev',
      limit: 100,
      limitReset: 'monthly',
      createdAt: iso(60),
      historicalUsage: 12.4,
    }),
  };
  keys.researchBatch = addKey(state, {
    secret: DEMO_KEYS.researchBatch,
    name: 'research-batch',
    limit: 150,
    limitReset: 'monthly',
    createdAt: iso(80),
    workspaceId: DEMO_RESEARCH_WORKSPACE_ID,
    historicalUsage: 31.2,
  });
  keys.researchNotebook = addKey(state, {
    secret: DEMO_KEYS.researchNotebook,
    name: 'research-notebook',
    createdAt: iso(70),
    workspaceId: DEMO_RESEARCH_WORKSPACE_ID,
    externalUser: 'partner-user-4821',
    historicalUsage: 4.75,
  });
  const rows = [
    ...buildActivity(state, now, keys, rnd),
    ...buildActivity(state, now, keys, seededRandom(20_260_202), RESEARCH_PROFILES),
  ];
  const historical = state.keys.reduce((sum, k) => sum + k.historicalUsage, 0) + 118.25; // + keys deleted since
  const activityUsage = rows.reduce((sum, r) => sum + r.usage, 0);
  state.account.totalUsage = r9(historical + activityUsage);
  // A balance of roughly $260–$310 against ~$12/day of spend: a runway of about three weeks.
  state.account.totalCredits = Math.ceil((state.account.totalUsage + 260) / 50) * 50;
  buildGenerations(state, now, keys);
  return state;
}
