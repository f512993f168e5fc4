import { refreshButton } from '../core/buttons.js';
import { reply } from '../core/reply.js';
import { recentAudit } from '../db/queries/audit.js';
import { StoreUnavailableError } from '../errors.js';
import { defineCommand } from './command.js';

/** `audit [n]`: the most recent audit rows, for admins. */
export const audit = defineCommand({
  name: 'audit',
  readsAuditLog: true,
  summary: 'Recent commands: who ran what, where, outcome and latency (admins)',
  usage: 'audit [count]',
  examples: ['audit', 'audit 50'],
  options: {
    count: { kind: 'integer', description: 'How many rows (1–100); default 20', min: 1, max: 100 },
  },
  admin: () => true,
  async run({ args, services, commandText }) {
    if (!services.store.available()) throw new StoreUnavailableError();
    const rows = await recentAudit(services.store.get().db, args.count ?? 20);
    return reply({
      title: `Audit: last ${rows.length} commands`,
      tables: [
        {
          columns: ['when (UTC)', 'who', 'where', 'command', 'outcome', 'ms'],
          align: ['left', 'left', 'left', 'left', 'left', 'right'],
          rows: rows.map((r) => [
            r.at.toISOString().slice(0, 19).replace('T', ' '),
            `${r.platform}:${r.userId}`,
            r.channelId ?? '—',
            r.args.length > 40 ? `${r.args.slice(0, 40)}…` : r.args,
            r.outcome,
            String(r.latencyMs),
          ]),
        },
      ],
      notes: rows.length === 0 ? ['No commands recorded yet.'] : [],
      asOf: services.now(),
      buttons: [refreshButton(commandText)],
    });
  },
});
