/**
 * How answers reach Slack: ephemeral through `response_url` (with Share and Refresh), public in a
 * thread or channel through the outbox, and pending answers replaced in place once final. Keeps
 * answers for "Share in channel" so the same answer is shared, not a fresh one.
 * @module
 */
import type { App, RespondFn } from '@slack/bolt';
import type { CommandResult } from '../../commands/dispatch.js';
import { shareButton } from '../../core/buttons.js';
import { type Reply, type ReplyButton, settleReply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import { platformError } from './app.js';
import { renderReply, type SlackMessage } from './blocks.js';
import type { createOutbox } from './outbox.js';

const SHARE_TTL_MS = 30 * 60_000; // a response_url lives 30 minutes

type Metadata = { event_type: string; event_payload: Record<string, string> };

export interface SlackResponder {
  renderPublic(r: Reply, sharedBy?: string): SlackMessage;
  postMessage(channel: string, msg: SlackMessage, extra?: { thread_ts?: string; metadata?: Metadata }): Promise<string>;
  /** `chat.update` of a message the bot posted (a key action's answer updates the alert it came from). */
  updateMessage(channel: string, ts: string, msg: SlackMessage): Promise<void>;
  /** The final answer of a pending reply (a short apology if the lookup failed). */
  finish(r: Reply): Promise<Reply>;
  /**
   * An ephemeral answer through `response_url`. A slash command's response_url only adds messages
   * (`canReplace: false`): a pending answer says the answer follows, and the answer comes as a new
   * message. An interaction's response_url (`canReplace: true`) replaces the message with the button.
   * With `channel`, a final answer's file or chart is uploaded there (a response_url carries no files).
   */
  answerEphemeral(
    result: CommandResult,
    commandText: string,
    respond: RespondFn,
    opts: { canReplace: boolean; channel?: string },
  ): Promise<void>;
  answerInThread(result: CommandResult, channel: string, threadTs: string | undefined): Promise<void>;
  /** An answer kept by `answerEphemeral` for its Share button, while the response_url lives. */
  sharedAnswer(id: string): Reply | undefined;
}

export interface ResponderDeps {
  client: App['client'];
  outbox: ReturnType<typeof createOutbox>;
  log: Logger;
  now: () => Date;
  /** Background work that stop() and idle() wait for. */
  track(work: Promise<unknown>): void;
}

export function createResponder({ client, outbox, log, now, track }: ResponderDeps): SlackResponder {
  const shared = new Map<string, { reply: Reply; at: number }>();
  let shareSeq = 0;
  function keepForShare(r: Reply): string {
    const t = now().getTime();
    // A Map iterates in insertion order, which is age order here: drop from the oldest end only.
    for (const [k, v] of shared) {
      if (t - v.at <= SHARE_TTL_MS && shared.size < 1000) break;
      shared.delete(k);
    }
    shareSeq += 1;
    const id = `${t.toString(36)}${shareSeq.toString(36)}`;
    shared.set(id, { reply: r, at: t });
    return id;
  }

  /** An ephemeral command answer: share + refresh buttons as the reply asks, share added when it is final. */
  function renderEphemeral(
    result: Pick<CommandResult, 'reply' | 'outcome'>,
    commandText: string,
    canReplace: boolean,
  ): SlackMessage {
    const r = result.reply;
    const buttons: ReplyButton[] = [...(r.buttons ?? [])];
    if (result.outcome === 'ok' && !r.pending && !buttons.some((b) => b.action === 'share')) {
      buttons.unshift(shareButton(commandText));
    }
    const shareId = r.pending || result.outcome !== 'ok' ? undefined : keepForShare(r);
    return renderReply(
      { ...r, buttons },
      {
        pendingFollowUp: canReplace ? 'in-place' : 'new-message',
        buttonValue: (b) => {
          if (b.action !== 'share') return b.value;
          if (!shareId) return undefined;
          const full = JSON.stringify({ id: shareId, text: b.value });
          return full.length <= 2000 ? full : JSON.stringify({ id: shareId });
        },
      },
    );
  }

  /** A public message (thread reply, shared answer, digest): no share button. */
  function renderPublic(r: Reply, sharedBy?: string): SlackMessage {
    return renderReply(r, {
      buttonFilter: (b) => b.action !== 'share',
      ...(sharedBy ? { sharedBy } : {}),
    });
  }

  async function postMessage(
    channel: string,
    msg: SlackMessage,
    extra: { thread_ts?: string; metadata?: Metadata } = {},
  ): Promise<string> {
    const res = await outbox.send(channel, 'new', () =>
      client.chat.postMessage({
        channel,
        text: msg.text,
        blocks: msg.blocks,
        unfurl_links: false,
        unfurl_media: false,
        ...extra,
      }),
    );
    return res.ts ?? '';
  }

  async function updateMessage(channel: string, ts: string, msg: SlackMessage): Promise<void> {
    await outbox.send(channel, 'edit', () => client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks }));
  }

  const failedLookup = (): Reply => ({
    title: 'Sorry',
    tone: 'warning',
    summary: 'That lookup failed on my side; it has been logged. Try again in a minute.',
    visibility: 'ephemeral',
  });

  const failedReplies = new WeakSet<Reply>();
  function finish(r: Reply): Promise<Reply> {
    return settleReply(r, (error) => {
      log.error({ err: error }, 'follow-up failed');
      const failed = failedLookup();
      failedReplies.add(failed);
      return failed;
    });
  }

  /**
   * Uploads a reply's CSV file or chart to the channel with files.uploadV2
   * (files.getUploadURLExternal + completeUploadExternal; reference §3). A failure (the bot is not
   * in the channel: `not_in_channel`) is told to the asker through `respond`.
   */
  async function attach(r: Reply, channel: string | undefined, respond: RespondFn): Promise<void> {
    const file = r.file ?? r.image;
    if (!file || !channel) return;
    try {
      await client.files.uploadV2({
        channel_id: channel,
        file: Buffer.from(file.data),
        filename: file.filename,
        title: file.title ?? file.filename,
        ...(r.image && !r.file ? { alt_text: r.image.altText } : {}),
      });
    } catch (error) {
      const code = platformError(error);
      log.info({ channel, error: code ?? String(error) }, 'could not upload the answer file');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text:
          code === 'not_in_channel' || code === 'channel_not_found'
            ? `I could not attach ${file.filename} here: invite me to this channel (/invite @credits) or ask me in a DM.`
            : `I could not attach ${file.filename} just now; try again in a minute.`,
      });
    }
  }

  /** Answers through `response_url`: the result now, then (if pending) the final answer. */
  async function answerEphemeral(
    result: CommandResult,
    commandText: string,
    respond: RespondFn,
    { canReplace, channel }: { canReplace: boolean; channel?: string },
  ): Promise<void> {
    await respond({
      response_type: 'ephemeral',
      ...(canReplace ? { replace_original: true } : {}),
      ...renderEphemeral(result, commandText, canReplace),
    });
    const r = result.reply;
    if (r.pending && r.followUp) {
      track(
        (async () => {
          const final = await finish(r);
          const outcome = failedReplies.has(final) ? 'error' : 'ok';
          await respond({
            response_type: 'ephemeral',
            ...(canReplace ? { replace_original: true } : {}),
            ...renderEphemeral({ reply: final, outcome }, commandText, canReplace),
          });
          await attach(final, channel, respond);
        })(),
      );
    } else {
      await attach(r, channel, respond);
    }
  }

  /** A threaded public reply: the result now, then (if pending) `chat.update` with the final answer. */
  async function answerInThread(result: CommandResult, channel: string, threadTs: string | undefined): Promise<void> {
    const r = result.reply;
    const ts = await postMessage(channel, renderPublic(r), threadTs ? { thread_ts: threadTs } : {});
    if (r.pending && r.followUp) {
      track(
        (async () => {
          const final = await finish(r);
          await updateMessage(channel, ts, renderPublic(final));
        })(),
      );
    }
  }

  return {
    renderPublic,
    updateMessage,
    postMessage,
    finish,
    answerEphemeral,
    answerInThread,
    sharedAnswer: (id) => shared.get(id)?.reply,
  };
}
