/**
 * `topup [days|date]`: how much to buy so the balance lasts until then at the current burn, with a
 * weekday and a weekend rate from the last 28 complete UTC days, and the day credits run out
 * without a top-up (maths in src/domain/topup.ts).
 * @module
 */
import { shareButton } from '../core/buttons.js';
import { reply } from '../core/reply.js';
import { spendByDay } from '../db/queries/activity.js';
import { formatUsd } from '../domain/money.js';
import { addUtcDays, parseTopupTarget, planTopup, seasonality } from '../domain/topup.js';
import { MissingKeyError, UserError } from '../errors.js';
import { readAccountState } from './account-state.js';
import { defineCommand } from './command.js';

const USAGE = 'topup [days|date]   e.g. topup 30 · topup 2027-01-31';

export const topup = defineCommand({
  name: 'topup',
  summary: 'How much to buy so the credits last until a date at the current burn',
  usage: USAGE,
  examples: ['topup', 'topup 14', 'topup 2027-01-31'],
  options: {
    until: {
      kind: 'text',
      description: 'Days from now (1–366) or a UTC date YYYY-MM-DD (default 30 days)',
      maxLength: 40,
    },
  },
  async run({ args, services, commandText }) {
    const now = services.now();
    const target = parseTopupTarget(args.until, now);
    if (!target.ok) throw new UserError(target.reason, USAGE);
    const state = await readAccountState(services);
    if (!state.credits) throw state.creditsError ?? new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', 'topup');
    const today = now.toISOString().slice(0, 10);
    const lastComplete = addUtcDays(today, -1);
    const days = services.store.available()
      ? await spendByDay(services.store.get().db, { from: addUtcDays(today, -28), to: today })
      : [];
    const rates = seasonality(days, lastComplete);
    const balance = state.credits.balance;
    const plan = planTopup({ balance, rates, now, until: target.until });
    const notes = [
      rates.days > 0
        ? `Burn from the last ${rates.days} complete day${rates.days === 1 ? '' : 's'} (UTC): ${formatUsd(rates.weekday)}/weekday, ${formatUsd(rates.weekend)}/weekend day.`
        : 'No spend history in the store yet, so no burn to plan with.',
      'Top up at https://openrouter.ai/settings/credits',
    ];
    return reply({
      title: plan.buy > 0 ? `Top up ${formatUsd(plan.buy)}` : 'No top-up needed',
      tone: plan.buy > 0 ? 'warning' : 'good',
      summary:
        plan.buy > 0
          ? `To last ${target.label} at the current burn, buy ${formatUsd(plan.buy)}: expected spend ${formatUsd(plan.needed)} against a balance of ${formatUsd(balance)}.`
          : `The balance of ${formatUsd(balance)} covers the expected ${formatUsd(plan.needed)} of spend for ${target.label}.`,
      fields: [
        { label: 'Balance', value: formatUsd(balance), inline: true },
        { label: 'Expected spend', value: formatUsd(plan.needed), inline: true },
        {
          label: 'Runs out without a top-up',
          value: plan.runsOut ?? (rates.days > 0 ? 'not within 10 years' : 'unknown (no burn)'),
          inline: true,
        },
      ],
      notes,
      asOf: state.credits.asOf,
      buttons: [shareButton(commandText)],
    });
  },
});
