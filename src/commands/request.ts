import { shareButton } from '../core/buttons.js';
import { type Reply, type ReplyField, reply } from '../core/reply.js';
import type { Services } from '../core/services.js';
import { getCachedGeneration, saveGeneration } from '../db/queries/generations.js';
import { validateGenerationId } from '../domain/generation-id.js';
import { formatTokens, formatUsd } from '../domain/money.js';
import { compareEstimate, estimateCost } from '../domain/pricing.js';
import { OpenRouterError, UserError } from '../errors.js';
import { pollGeneration } from '../openrouter/poll-generation.js';
import type { Generation } from '../openrouter/types.js';
import { defineCommand } from './command.js';

const USAGE = 'request <gen-id>   (or paste a gen-… id)';

async function cached(services: Services, id: string): Promise<Generation | null> {
  if (!services.store.available()) return null;
  try {
    return await getCachedGeneration(services.store.get().db, id);
  } catch (error) {
    services.log.warn({ err: error }, 'generation cache read failed');
    return null;
  }
}

async function remember(services: Services, g: Generation): Promise<void> {
  if (!services.store.available()) return;
  await saveGeneration(services.store.get().db, g).catch((error: unknown) =>
    services.log.warn({ err: error }, 'generation cache write failed'),
  );
}

function tokens(n: number | null): string {
  return n === null ? '—' : formatTokens(n);
}

async function estimateLine(services: Services, g: Generation): Promise<string[]> {
  try {
    const models = await services.openrouter.listModels({ budgetMs: 3_000, all: true });
    const base = g.model.replace(/-\d{8}$/, '');
    const model =
      models.find((m) => m.id === g.model || m.canonicalSlug === g.model) ??
      models.find((m) => m.id === base || g.model.startsWith(`${m.id}-`) || m.canonicalSlug.startsWith(base));
    if (!model) return [`No list price for ${g.model} to compare with.`];
    const estimate = estimateCost(
      model.pricing,
      {
        promptTokens: g.nativeTokensPrompt ?? g.tokensPrompt ?? 0,
        completionTokens: g.nativeTokensCompletion ?? g.tokensCompletion ?? 0,
        cachedTokens: g.nativeTokensCached ?? 0,
        reasoningTokens: g.nativeTokensReasoning ?? 0,
      },
      new Date(g.createdAt),
    );
    const cmp = compareEstimate(estimate.total, g.totalCost, g);
    return [
      `Estimate from ${model.id} list prices: ${formatUsd(estimate.total)} vs actual ${formatUsd(g.totalCost)}.`,
      ...cmp.explanation,
    ];
  } catch {
    return [];
  }
}

/** The full answer for a published generation. */
async function renderGeneration(services: Services, g: Generation, commandText: string): Promise<Reply> {
  const fields: ReplyField[] = [
    { label: 'Model', value: g.model, inline: true },
    { label: 'Provider', value: g.providerName ?? '—', inline: true },
    { label: 'Total cost', value: formatUsd(g.totalCost), inline: true },
    {
      label: 'Tokens',
      value: `prompt ${tokens(g.nativeTokensPrompt ?? g.tokensPrompt)} · completion ${tokens(g.nativeTokensCompletion ?? g.tokensCompletion)} · reasoning ${tokens(g.nativeTokensReasoning)} · cached ${tokens(g.nativeTokensCached)}`,
    },
  ];
  if (g.cacheDiscount !== null && g.cacheDiscount !== 0) {
    fields.push({
      label: g.cacheDiscount > 0 ? 'Cache discount' : 'Cache write premium',
      value: formatUsd(Math.abs(g.cacheDiscount)),
      inline: true,
    });
  }
  if (g.isByok) {
    fields.push({
      label: 'BYOK',
      value: `provider billed you ${g.upstreamInferenceCost === null ? 'an unknown amount' : formatUsd(g.upstreamInferenceCost)} directly; OpenRouter charged ${formatUsd(g.totalCost)}`,
    });
  }
  fields.push({
    label: 'Latency',
    value: `${g.latency === null ? '—' : `${formatTokens(Math.round(g.latency))} ms`}${g.generationTime === null ? '' : ` (generation ${formatTokens(Math.round(g.generationTime))} ms)`}`,
    inline: true,
  });
  fields.push({
    label: 'Finish',
    value: `${g.finishReason ?? '—'}${g.nativeFinishReason && g.nativeFinishReason !== g.finishReason ? ` (${g.nativeFinishReason})` : ''}${g.streamed ? ' · streamed' : ''}${g.cancelled ? ' · cancelled' : ''}`,
    inline: true,
  });
  const attempts = g.providerResponses;
  if (attempts.length > 1) {
    fields.push({
      label: `Provider attempts (${attempts.length})`,
      value: attempts.map((a) => `${a.providerName ?? '?'} ${a.status ?? '?'}`).join(' → '),
    });
  }
  const notes = await estimateLine(services, g);
  if (g.cancelled) notes.push('The stream was cancelled; OpenRouter still bills what was generated up to that point.');
  if (g.finishReason === 'error')
    notes.push('Finished with an error: zero completion insurance waives token charges for it.');
  return reply({
    title: `Request ${g.id}`,
    tone: g.finishReason === 'error' ? 'warning' : 'neutral',
    summary: `${formatUsd(g.totalCost)} on ${g.model}${g.providerName ? ` via ${g.providerName}` : ''}`,
    fields,
    notes,
    asOf: new Date(g.createdAt),
    buttons: [shareButton(commandText)],
  });
}

function notFound(id: string): Reply {
  return reply({
    title: `Request ${id}`,
    tone: 'warning',
    summary: 'OpenRouter does not know this request id (yet).',
    notes: [
      'It may belong to another OpenRouter account (ids are only visible to the account that made them).',
      'It may be mistyped; ids look like gen-1754553763-Fo6eODcuRTI4SOm6VCIQ.',
      'Very old or very fresh requests may not be available; fresh ones usually appear within seconds.',
    ],
  });
}

/**
 * OpenRouter answers 403 "You don't have access to this generation (belongs to another user)" for
 * another account's id (shared/reference/openrouter-api.md §4): the bot's key is fine.
 */
function foreignOr<T>(id: string, call: () => Promise<T>): Promise<T | Reply> {
  return call().catch((error: unknown) => {
    if (error instanceof OpenRouterError && error.status === 403) return anotherAccount(id);
    throw error;
  });
}

function anotherAccount(id: string): Reply {
  return reply({
    title: `Request ${id}`,
    tone: 'warning',
    summary: 'This request belongs to another OpenRouter account: ids are only visible to the account that made them.',
    notes: [
      'OpenRouter answered 403 "belongs to another user"; the bot’s key is fine.',
      'Look it up with a key of the account that made the request, or ask its owner.',
    ],
  });
}

const isReply = (x: unknown): x is Reply => typeof x === 'object' && x !== null && 'visibility' in x;

/** `request <id>` and pasted ids: cost and details of one generation, pending while OpenRouter lags. */
export const request = defineCommand({
  name: 'request',
  summary: 'Exact cost and details of one request (a gen-… id)',
  usage: USAGE,
  examples: ['request gen-1754553763-Fo6eODcuRTI4SOm6VCIQ'],
  options: {
    id: { kind: 'string', description: 'The generation id (gen-…)', required: true, maxLength: 200 },
  },
  async run({ args, services, commandText }) {
    const checked = validateGenerationId(args.id);
    if (!checked.ok) throw new UserError(checked.reason, USAGE);
    const id = checked.id;
    const hit = await cached(services, id);
    if (hit) return renderGeneration(services, hit, commandText);
    const first = await foreignOr(id, () => services.openrouter.getGeneration(id, { budgetMs: 8_000 }));
    if (isReply(first)) return first;
    if (first) {
      await remember(services, first);
      return renderGeneration(services, first, commandText);
    }
    return reply({
      title: `Request ${id}`,
      // Honest on every platform: Slack's slash command answers cannot replace themselves.
      summary: 'Pending: OpenRouter has not published this request yet. Looking it up; the answer follows in a moment.',
      notes: ['OpenRouter makes a request visible a few seconds after it completes.'],
      pending: true,
      followUp: async () => {
        const g = await foreignOr(id, () =>
          pollGeneration(
            services.openrouter,
            id,
            services.pollDelaysMs ? { delaysMs: [...services.pollDelaysMs] } : {},
          ),
        );
        if (isReply(g)) return g;
        if (!g) return notFound(id);
        await remember(services, g);
        return renderGeneration(services, g, commandText);
      },
    });
  },
});
