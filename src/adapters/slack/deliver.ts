/**
 * Scheduled posts (digests, alerts): public Block Kit with the chart uploaded in its thread, and a
 * resend after a crash made invisible by a dedupe key kept in message metadata and looked up in
 * `conversations.history`.
 * @module
 */
import type { App } from '@slack/bolt';
import type { PostOptions, PostResult, PostTarget } from '../../core/chat-adapter.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../logger.js';
import type { SlackResponder } from './respond.js';

export function createDeliver(client: App['client'], responder: SlackResponder, log: Logger) {
  /** A message this bot already posted with the same dedupe key (metadata), in the recent history. */
  async function findByDedupeKey(channel: string, key: string): Promise<string | undefined> {
    try {
      const res = await client.conversations.history({ channel, limit: 50, include_all_metadata: true });
      for (const message of res.messages ?? []) {
        const payload = message.metadata?.event_payload as Record<string, unknown> | undefined;
        if (message.metadata?.event_type === 'credits_bot_post' && payload?.key === key && message.ts)
          return message.ts;
      }
    } catch (error) {
      log.debug({ err: error, channel }, 'history check for a resend failed; posting');
    }
    return undefined;
  }

  return async function post(target: PostTarget, r: Reply, opts: PostOptions = {}): Promise<PostResult> {
    const channel = target.channelId;
    if (opts.dedupeKey) {
      const found = await findByDedupeKey(channel, opts.dedupeKey);
      if (found) return { messageId: found, deduplicated: true };
    }
    const ts = await responder.postMessage(
      channel,
      responder.renderPublic(r),
      opts.dedupeKey ? { metadata: { event_type: 'credits_bot_post', event_payload: { key: opts.dedupeKey } } } : {},
    );
    if (r.image) {
      await client.files
        .uploadV2({
          channel_id: channel,
          file: Buffer.from(r.image.data),
          filename: r.image.filename,
          title: r.image.title ?? r.image.filename,
          alt_text: r.image.altText,
          thread_ts: ts,
        })
        .catch((error: unknown) => log.warn({ err: error, channel }, 'chart upload failed; the text was posted'));
    }
    return { messageId: ts, deduplicated: false };
  };
}
