/**
 * The console: a readline session (the service with no chat token and a terminal, and the demo)
 * and one-shot `credits-bot ask`. Replies are printed as plain text; pending ones are printed again
 * when their final answer arrives.
 * @module
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Bot, CommandResult } from '../../commands/dispatch.js';
import type { ChatAdapter, PostResult } from '../../core/chat-adapter.js';
import { type Reply, settleReply } from '../../core/reply.js';
import type { Actor } from '../../core/services.js';
import { renderText } from '../render-text.js';

const CONSOLE_ACTOR: Actor = { platform: 'console', userId: 'console', channelId: 'console' };

/**
 * A reply as console text. A CSV file is printed as it is (and nothing else, so it can be piped);
 * a chart is written to a new file under the temp directory and its path printed (contract §8).
 */
export async function consoleText(r: Reply): Promise<string> {
  if (r.file) return new TextDecoder().decode(r.file.data).replace(/\r?\n$/, '');
  const text = renderText(r);
  if (!r.image) return text;
  const dir = await mkdtemp(join(tmpdir(), 'credits-bot-'));
  const path = join(dir, r.image.filename.replace(/[^\w.-]/g, '_') || 'chart.png');
  await writeFile(path, r.image.data);
  return `${text}\n\nChart: ${path}`;
}

/** Runs one command and waits for a pending answer to become final. */
export async function askOnce(bot: Bot, text: string): Promise<{ result: CommandResult; output: string }> {
  const result = await bot.runText(text, CONSOLE_ACTOR);
  let output = await consoleText(result.reply);
  if (result.reply.pending && result.reply.followUp) {
    const final = await settleReply(result.reply, (error) => {
      throw error;
    });
    output = `${output}\n\n${await consoleText(final)}`;
  }
  return { result, output };
}

/** `credits-bot ask`'s exit code for a result (contract §4): 0 answered, 2 input not understood, 1 could not answer. */
export function exitCodeOf(result: CommandResult): 0 | 1 | 2 {
  if (result.invalidInput) return 2;
  return result.outcome === 'ok' ? 0 : 1;
}

export interface ConsoleAdapterConfig {
  input: Readable;
  output: Writable;
  /** Printed when the session starts. */
  banner?: string;
  prompt?: string;
}

export function createConsoleAdapter(
  config: ConsoleAdapterConfig,
  deps: { bot: Bot; onClose?: () => void },
): ChatAdapter & { closed: Promise<void> } {
  let rl: ReturnType<typeof createInterface> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  const print = (text: string): void => {
    config.output.write(`${text}\n`);
  };
  const outstanding = new Set<Promise<void>>();
  const show = async (r: Reply) => {
    print(await consoleText(r));
    if (r.pending && r.followUp) {
      const work = settleReply(r, (error) => {
        throw error;
      })
        .then(async (final) => print(`\n${await consoleText(final)}\n`))
        .catch(() => print('That lookup failed; try again.'))
        .finally(() => outstanding.delete(work));
      outstanding.add(work);
    }
  };
  let queue = Promise.resolve();
  return {
    name: 'console',
    closed,
    async start() {
      rl = createInterface({ input: config.input, output: config.output, terminal: false });
      if (config.banner) print(config.banner);
      const prompt = config.prompt ?? 'credits> ';
      config.output.write(prompt);
      rl.on('line', (line) => {
        queue = queue.then(async () => {
          const text = line.trim().replace(/^\/credits\b\s*/, '');
          if (text === 'exit' || text === 'quit') {
            rl?.close();
            return;
          }
          const result = await deps.bot.runText(text, CONSOLE_ACTOR);
          await show(result.reply);
          config.output.write(prompt);
        });
      });
      rl.on('close', () => {
        queue.then(async () => {
          await Promise.all([...outstanding]);
          resolveClosed();
          deps.onClose?.();
        });
      });
    },
    async stop() {
      rl?.close();
    },
    ready: () => rl !== undefined,
    async post(_target, r): Promise<PostResult> {
      await show(r);
      return { messageId: `console-${Date.now()}`, deduplicated: false };
    },
  };
}
