import { refreshButton, shareButton } from '../core/buttons.js';
import { type Reply, type ReplyField, reply } from '../core/reply.js';
import { byokNote } from '../domain/byok.js';
import { formatDays, formatUsd } from '../domain/money.js';
import { utcDate } from '../domain/periods.js';
import { MissingKeyError } from '../errors.js';
import { type AccountState, readAccountState } from './account-state.js';
import { defineCommand } from './command.js';

function keyFields(state: AccountState): ReplyField[] {
  const key = state.key;
  if (!key) return [];
  const limit =
    key.limit === null
      ? 'no limit'
      : `${formatUsd(key.limitRemaining ?? 0)} left of ${formatUsd(key.limit)}${key.limitReset ? ` (resets ${key.limitReset})` : ''}`;
  return [
    { label: `Key ${key.label}`, value: limit, inline: true },
    {
      label: 'Key spend',
      value: `today ${formatUsd(key.usageDaily)} · week ${formatUsd(key.usageWeekly)} · month ${formatUsd(key.usageMonthly)}`,
      inline: true,
    },
  ];
}

/** Renders the account state; shared with Refresh. */
function renderBalance(state: AccountState, commandText: string): Reply {
  const fields: ReplyField[] = [];
  const notes: string[] = [];
  const c = state.credits;
  let tone: Reply['tone'] = 'neutral';
  if (c) {
    fields.push({ label: 'Balance', value: formatUsd(c.balance), inline: true });
    fields.push({
      label: 'Purchased / used',
      value: `${formatUsd(c.totalCredits)} / ${formatUsd(c.totalUsage)}`,
      inline: true,
    });
    tone = c.balance <= 0 ? 'danger' : 'good';
  }
  const s = state.spend;
  const spendParts = [
    s.today !== null ? `today ${formatUsd(s.today)}` : null,
    s.last7 !== null ? `last 7 days ${formatUsd(s.last7)}` : null,
    s.month !== null ? `this month ${formatUsd(s.month)}` : null,
  ].filter(Boolean);
  if (spendParts.length > 0) fields.push({ label: 'Spend', value: spendParts.join(' · ') });
  if (state.burn) {
    fields.push({
      label: 'Burn rate',
      value: `${formatUsd(state.burn.perDay)}/day (${state.burn.basis === 'activity' ? 'last 7 complete UTC days' : 'from balance readings'})`,
      inline: true,
    });
  }
  if (state.runway) {
    const { days, runOutDate } = state.runway;
    fields.push({
      label: 'Runway',
      value:
        days === null || !runOutDate ? 'no spend, no run-out' : `${formatDays(days)} → runs out ${utcDate(runOutDate)}`,
      inline: true,
    });
    if (days !== null && days < 7) tone = 'danger';
    else if (days !== null && days < 14 && tone !== 'danger') tone = 'warning';
  }
  if (s.byokMonth) {
    fields.push({
      label: 'BYOK this month',
      value: `${formatUsd(s.byokMonth.usd)} on your own provider keys · 5 % fee ${formatUsd(s.byokMonth.feeUsd)}${s.byokMonth.feeUsd === 0 ? ' (within the monthly allowance)' : ''}`,
      inline: true,
    });
    const note = byokNote(s.byokMonth.usd);
    if (note) notes.push(note);
  }
  fields.push(...keyFields(state));
  if (state.key && state.key.limitRemaining !== null && state.key.limitRemaining <= 0) tone = 'danger';
  if (c?.stale)
    notes.push(`${state.creditsProblem ?? 'OpenRouter is unavailable'}; figures as of ${c.asOf.toISOString()}.`);
  else if (state.creditsProblem) notes.push(`Account balance: ${state.creditsProblem}`);
  if (state.keyProblem) notes.push(`Key: ${state.keyProblem}`);
  if (!c && state.key) {
    notes.push(
      'A management key (OPENROUTER_MANAGEMENT_KEY) adds the account balance, spend by day, burn rate and runway.',
    );
  }
  if (!state.key && !c) tone = 'warning';
  if (s.today === null && c)
    notes.push('Spend today appears once the bot has a balance reading from before UTC midnight.');
  const summary = c
    ? `Balance ${formatUsd(c.balance)}${state.runway?.days != null ? `, about ${formatDays(state.runway.days)} of runway` : ''}`
    : state.key
      ? `Key ${state.key.label}: ${state.key.limit === null ? 'no limit' : `${formatUsd(state.key.limitRemaining ?? 0)} left`}`
      : 'No balance available';
  return reply({
    title: 'OpenRouter credits',
    tone,
    summary,
    fields,
    notes,
    asOf: c?.asOf ?? state.now,
    buttons: [refreshButton(commandText || 'balance'), shareButton(commandText || 'balance')],
  });
}

/** `balance` (also the empty command): balance, spend, burn rate, runway and the key's limit. */
export const balance = defineCommand({
  name: 'balance',
  summary: 'Balance, spend today / 7 days / month, burn rate, runway and the key limit',
  usage: 'balance',
  examples: ['balance', ''],
  options: {},
  async run({ services, commandText }) {
    const state = await readAccountState(services);
    if (!state.credits && !state.key) {
      // Nothing to show at all: fail so `ask` exits 1 and chat gets the clear reason.
      throw state.keyError ?? state.creditsError ?? new MissingKeyError('OPENROUTER_MANAGEMENT_KEY', 'The balance');
    }
    return renderBalance(state, commandText);
  },
});
