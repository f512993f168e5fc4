/**
 * Scheduled posts (digests, alerts): public Block Kit with the chart uploaded in its thread, and a
 * resend after a crash made invisible by a dedupe key kept in message metadata and looked up in
 * `conversations.history`. Reading the history (and uploading) needs channel membership: a public
 * channel is joined when Slack answers `not_in_channel`. When the history still cannot be read, the
 * delivery ledger decides: a key an earlier attempt may have posted is not posted again (warn).
 * @module
 */
import type { App } from '@slack/bolt';
import type { PostOptions, PostResult, PostTarget } from '../../core/chat-adapter.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import { joinSlackChannel } from './actor.js';
import { platformError } from './app.js';
import type { SlackResponder } from './respond.js';

const UNREADABLE = Symbol('unreadable');

export function createDeliver(client: App['client'], responder: SlackResponder, log: Logger) {
  /** A message this bot already posted with the same dedupe key (metadata), in the recent history. */
  async function findByDedupeKey(channel: string, key: string): Promise<string | undefined | typeof UNREADABLE> {
    const res = await client.conversations.history({ channel, limit: 50, include_all_metadata: true });
    for (const message of res.messages ?? []) {
      const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
      if (message.metadata?.event_type === 'credits_bot_post' && payload?.key === key && message.ts) return message.ts;
    }
    return undefined;
  }

  /** Runs `call`; on `not_in_channel` joins the (public) channel once and runs it again. */
  async function asMember<T>(channel: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (platformError(error) !== 'not_in_channel') throw error;
      const joined = await joinSlackChannel(client, channel, log);
      if (!joined.ok) throw error;
      log.info({ channel }, 'joined the Slack channel to read its history and upload charts');
      return call();
    }
  }

  async function earlierPost(channel: string, key: string): Promise<string | undefined | typeof UNREADABLE> {
    try {
      return await asMember(channel, () => findByDedupeKey(channel, key));
    } catch (error) {
      log.warn(
        { channel, error: platformError(error) ?? String(error) },
        'cannot read the Slack channel history to check for an earlier post; the delivery ledger decides',
      );
      return UNREADABLE;
    }
  }

  return async function post(target: PostTarget, r: Reply, opts: PostOptions = {}): Promise<PostResult> {
    const channel = target.channelId;
    if (opts.dedupeKey) {
      const found = await earlierPost(channel, opts.dedupeKey);
      if (found === UNREADABLE && opts.mayHavePosted) {
        log.warn(
          { channel, key: opts.dedupeKey },
          'not posting again: an earlier attempt may have posted this and the channel history cannot be read',
        );
        return { messageId: '', deduplicated: true, unconfirmed: true };
      }
      if (typeof found === 'string') return { messageId: found, deduplicated: true };
    }
    const ts = await responder.postMessage(
      channel,
      responder.renderPublic(r),
      opts.dedupeKey ? { metadata: { event_type: 'credits_bot_post', event_payload: { key: opts.dedupeKey } } } : {},
    );
    const image = r.image;
    if (image) {
      await asMember(channel, () =>
        client.files.uploadV2({
          channel_id: channel,
          file: Buffer.from(image.data),
          filename: image.filename,
          title: image.title ?? image.filename,
          alt_text: image.altText,
          thread_ts: ts,
        }),
      ).catch((error: unknown) =>
        log.warn(
          { err: error, channel, error: platformError(error) },
          'chart upload failed (invite the bot to the channel if it is private); the text was posted',
        ),
      );
    }
    return { messageId: ts, deduplicated: false };
  };
}
