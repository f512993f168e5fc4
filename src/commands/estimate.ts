import { shareButton } from '../core/buttons.js';
import { reply } from '../core/reply.js';
import { formatTokens, formatUsd } from '../domain/money.js';
import { closestModels, estimateCost } from '../domain/pricing.js';
import { UserError } from '../errors.js';
import { defineCommand } from './command.js';

const USAGE = 'estimate <model> <tokens in> <tokens out>   e.g. estimate openai/gpt-4.1 12000 800';
const MAX_TOKENS = 100_000_000;

/** `estimate <model> <in> <out>`: expected cost from live /models pricing. */
export const estimate = defineCommand({
  name: 'estimate',
  summary: 'Expected cost of a call from live model pricing',
  usage: USAGE,
  examples: ['estimate openai/gpt-4.1 12000 800', 'estimate anthropic/claude-sonnet-4.5 200k 4k'],
  options: {
    model: {
      kind: 'string',
      description: 'Model id, e.g. openai/gpt-4.1',
      required: true,
      maxLength: 120,
      autocomplete: 'model',
    },
    tokens_in: { kind: 'integer', description: 'Prompt tokens', required: true, min: 0, max: MAX_TOKENS },
    tokens_out: { kind: 'integer', description: 'Completion tokens', required: true, min: 0, max: MAX_TOKENS },
  },
  async run({ args, services, commandText }) {
    // Every model, not only text-output ones (`/models` hides the rest unless output_modalities=all; reference §12).
    const models = await services.openrouter.listModels({ budgetMs: 8_000, all: true });
    const wanted = args.model.toLowerCase();
    const model = models.find((m) => m.id.toLowerCase() === wanted || m.canonicalSlug.toLowerCase() === wanted);
    if (!model) {
      const close = closestModels(
        args.model,
        models.map((m) => m.id),
        3,
      );
      throw new UserError(
        `I don't know the model "${args.model.slice(0, 60)}".${close.length ? ` Closest: ${close.join(', ')}.` : ''}`,
        USAGE,
      );
    }
    const at = services.now();
    const e = estimateCost(model.pricing, { promptTokens: args.tokens_in, completionTokens: args.tokens_out }, at);
    const p = model.pricing;
    const perM = (usd: number) => `${formatUsd(usd * 1_000_000)}/M`;
    const notes = [
      `List prices: prompt ${perM(p.prompt)}, completion ${perM(p.completion)}${p.request ? `, ${formatUsd(p.request)} per request` : ''}${p.inputCacheRead !== null ? `, cached prompt ${perM(p.inputCacheRead)}` : ''}.`,
    ];
    if (e.override) notes.push('A conditional price applies (long prompt or time of day), as OpenRouter lists it.');
    if (e.discount) notes.push(`Includes the model's ${Math.round(e.discount * 100)}% discount.`);
    if (p.inputCacheRead !== null && args.tokens_in > 0) {
      const cached = estimateCost(
        p,
        { promptTokens: args.tokens_in, completionTokens: args.tokens_out, cachedTokens: args.tokens_in },
        at,
      );
      notes.push(`If the whole prompt were a cache hit: ${formatUsd(cached.total)}.`);
    }
    notes.push(
      'The actual charge depends on the provider that serves the call; /credits request <id> shows it exactly.',
    );
    return reply({
      title: `Estimate for ${model.id}`,
      summary: `About ${formatUsd(e.total)} for ${formatTokens(args.tokens_in)} tokens in and ${formatTokens(args.tokens_out)} out`,
      fields: [
        { label: 'Expected cost', value: formatUsd(e.total), inline: true },
        { label: 'Prompt', value: formatUsd(e.prompt), inline: true },
        { label: 'Completion', value: formatUsd(e.completion), inline: true },
        ...(model.expirationDate ? [{ label: 'Expires', value: model.expirationDate }] : []),
      ],
      notes,
      asOf: at,
      buttons: [shareButton(commandText)],
    });
  },
});
