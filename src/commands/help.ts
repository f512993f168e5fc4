import { type Reply, reply } from '../core/reply.js';
import { type AnyCommand, defineCommand } from './command.js';

/** `help [command]`: generated from the command declarations. */
export const help = defineCommand({
  name: 'help',
  summary: 'The commands, with an example of each',
  usage: 'help [command]',
  examples: ['help', 'help usage'],
  options: {
    topic: { kind: 'string', description: 'A command to explain in detail', maxLength: 40 },
  },
  async run({ args, commands: list }) {
    return helpReply(args.topic, list);
  },
});

/** What `help` shows needs only the declarations: `credits-bot ask help` renders it from the built catalog. */
export type HelpEntry = Pick<AnyCommand, 'name' | 'summary' | 'usage' | 'examples' | 'options'>;

/** The help reply for `topic` (one command in detail) or for every command. */
export function helpReply(topicText: string | undefined, list: readonly HelpEntry[]): Reply {
  const topic = topicText?.toLowerCase();
  const one = topic ? list.find((c) => c.name === topic) : undefined;
  if (one) {
    return reply({
      title: `/credits ${one.usage}`,
      summary: one.summary,
      fields: Object.entries(one.options).map(([name, spec]) => ({
        label: name,
        value: `${spec.description}${spec.choices ? ` (${spec.choices.join(' | ')})` : ''}${spec.required ? '' : ' — optional'}`,
      })),
      notes: one.examples.map((e) => `/credits ${e}`),
    });
  }
  return reply({
    title: 'credits-bot: OpenRouter credits where your team talks',
    summary: 'Type /credits followed by one of these. Pasting a gen-… id in a channel also works.',
    tables: [
      {
        columns: ['command', 'what it answers', 'example'],
        rows: list.map((c) => [c.name, c.summary, `/credits ${c.examples[0] ?? c.name}`]),
      },
    ],
    notes: [
      'Periods (UTC): today, yesterday, 7d, 30d, week, last-week, month, last-month.',
      '`help <command>` shows the full form and every option of one command.',
      'Insufficient credits is HTTP 402, not 403: try `/credits explain 402`.',
    ],
  });
}
