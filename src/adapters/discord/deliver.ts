/**
 * Rendered replies → discord.js message options, and the pending → final edit shared by slash
 * commands, the context menu and pasted ids.
 * @module
 */
import { errorReply, type Reply, settleReply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import type { RenderedMessage } from './render.js';

/** The part of a message both channel messages and interaction replies accept. */
export type MessageBody = Pick<RenderedMessage, 'content' | 'embeds' | 'components'> & {
  files?: RenderedMessage['files'];
};
export type MessageEdit = MessageBody & { content: string };

export function toCreate(m: RenderedMessage): MessageBody {
  return {
    ...(m.content ? { content: m.content } : {}),
    embeds: m.embeds,
    components: m.components,
    ...(m.files.length ? { files: m.files } : {}),
  };
}

/** An edit replaces everything the message showed, including a pending reply's text. */
export function toEdit(m: RenderedMessage): MessageEdit {
  return { content: m.content ?? '', embeds: m.embeds, components: m.components, files: m.files };
}

/** Waits for a pending reply's final answer and shows it with `edit`; failures become a short reply. */
export async function settle(reply: Reply, edit: (final: Reply) => Promise<unknown>, log: Logger): Promise<void> {
  if (!reply.pending || !reply.followUp) return;
  const final = await settleReply(reply, (error) => {
    log.warn({ err: error }, 'pending lookup failed');
    return errorReply('That lookup failed; try again in a minute.');
  });
  await edit(final);
}
