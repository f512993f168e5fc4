/**
 * Reply → Slack Block Kit. Every string from a Reply is plain text, so each one is escaped here
 * (`&`, `<`, `>`): user text echoed back can never become `<!channel>`, `<!here>` or `<@U…>`.
 * Long answers are cut to Slack's limits (50 blocks, 3,000 characters per text) with a note; the
 * renderer never throws and never produces a message Slack would reject.
 * @module
 */
import type { types } from '@slack/bolt';
import type { Reply, ReplyButton, ReplyTable } from '../../core/reply.js';
import { formatUtcMinute } from '../../domain/time.js';
import { renderTable } from '../render-text.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;
type MrkdwnElement = types.MrkdwnElement;

/** Slack's documented limits for messages built from blocks. */
export const SLACK_LIMITS = {
  blocks: 50,
  text: 3000,
  header: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  buttonsPerActions: 25,
  /** Top-level `text` (the notification fallback) is shown cut at about 4,000 characters. */
  fallback: 3000,
} as const;

export interface SlackMessage {
  /** The fallback: notifications, screen readers, clients without blocks. */
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Slack user id of whoever shared this answer in the channel; adds "Shared by …". */
  sharedBy?: string;
  /** Which of the reply's buttons to show (default: all, none while pending). */
  buttonFilter?: (button: ReplyButton) => boolean;
  /** The value Slack sends back when a button is pressed (default: `button.value`); `undefined` drops it. */
  buttonValue?: (button: ReplyButton) => string | undefined;
  /**
   * While pending: whether this message will really be replaced by the answer (`chat.update`, an
   * interaction's response_url) or the answer comes as a new message (a slash command's response_url
   * cannot replace its own message; slackapi/bolt-js#2287). Default: replaced in place.
   */
  pendingFollowUp?: 'in-place' | 'new-message';
}

const TONE_PREFIX: Record<Reply['tone'], string> = {
  neutral: '',
  good: '✅ ',
  warning: '⚠️ ',
  danger: '🚨 ',
};
const ELLIPSIS = '…';
const FENCE = '```';
const SAFE_URL = /^https?:\/\/[^\s<>|]+$/i;

/** Escapes Slack's three control characters so text shows literally and never pings anyone. */
export function escapeText(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Cuts `text` to `max` characters, never inside an escape sequence, ending with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ELLIPSIS.length));
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && amp > cut.length - 5 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return cut + ELLIPSIS;
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text || ' ', SLACK_LIMITS.text), verbatim: true };
}

function section(text: string): KnownBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** Splits escaped lines into chunks of at most `max` characters (a single overlong line is cut). */
function chunkLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    const next = current ? `${current}\n${line}` : line;
    if (next.length > max && current) {
      chunks.push(current);
      current = line;
    } else {
      current = next;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function fieldBlocks(reply: Reply): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const fields = reply.fields ?? [];
  let i = 0;
  while (i < fields.length) {
    const inline = fields[i]?.inline === true;
    const run: typeof fields = [];
    while (i < fields.length && (fields[i]?.inline === true) === inline) {
      const f = fields[i];
      if (f) run.push(f);
      i += 1;
    }
    if (inline) {
      for (let j = 0; j < run.length; j += SLACK_LIMITS.fieldsPerSection) {
        blocks.push({
          type: 'section',
          fields: run
            .slice(j, j + SLACK_LIMITS.fieldsPerSection)
            .map((f) => mrkdwn(truncate(`*${escapeText(f.label)}*\n${escapeText(f.value)}`, SLACK_LIMITS.fieldText))),
        });
      }
    } else {
      const lines = run.map((f) => `*${escapeText(f.label)}:* ${escapeText(f.value)}`);
      for (const chunk of chunkLines(lines, SLACK_LIMITS.text)) blocks.push(section(chunk));
    }
  }
  return blocks;
}

function tableBlocks(table: ReplyTable): KnownBlock[] {
  const { title, ...body } = table;
  const blocks: KnownBlock[] = [];
  if (title) blocks.push(section(`*${escapeText(title)}*`));
  const lines = renderTable(body).split('\n').map(escapeText);
  const room = SLACK_LIMITS.text - 2 * FENCE.length - 2;
  for (const chunk of chunkLines(lines, room)) blocks.push(section(`${FENCE}\n${chunk}\n${FENCE}`));
  return blocks;
}

function linkText(link: { label: string; url: string }): string {
  const label = escapeText(link.label);
  return SAFE_URL.test(link.url)
    ? `<${link.url.replaceAll('&', '&amp;')}|${label}>`
    : `${label}: ${escapeText(link.url)}`;
}

/** `<!date^…>` shows the time in the reader's own zone; the fallback is UTC. */
function asOfText(at: Date): string {
  const unix = Math.floor(at.getTime() / 1000);
  const fallback = formatUtcMinute(at);
  return `as of <!date^${unix}^{date_short_pretty} {time}|${fallback}>`;
}

function buttonBlocks(reply: Reply, opts: RenderOptions): KnownBlock[] {
  if (reply.pending) return [];
  const buttons: Button[] = [];
  const seen = new Set<string>();
  for (const b of reply.buttons ?? []) {
    if (opts.buttonFilter && !opts.buttonFilter(b)) continue;
    if (seen.has(b.action)) continue; // action_id must be unique within the block
    const value = opts.buttonValue ? opts.buttonValue(b) : b.value;
    if (value === undefined || value.length > SLACK_LIMITS.buttonValue) continue;
    seen.add(b.action);
    buttons.push({
      type: 'button',
      action_id: b.action,
      text: { type: 'plain_text', text: truncate(escapeText(b.label), SLACK_LIMITS.buttonText), emoji: true },
      value,
      ...(b.action === 'share' ? { style: 'primary' as const } : {}),
    });
  }
  return buttons.length ? [{ type: 'actions', elements: buttons.slice(0, SLACK_LIMITS.buttonsPerActions) }] : [];
}

/** The fallback text: title and summary, escaped. */
export function fallbackText(reply: Reply): string {
  const parts = [reply.title, reply.summary].filter((p): p is string => Boolean(p));
  return truncate(escapeText(parts.join(': ')), SLACK_LIMITS.fallback);
}

/**
 * Renders a reply as Block Kit: header, summary, fields, tables (preformatted), notes, links, a
 * context line (footer, "as of", who shared it) and the buttons.
 * @example renderReply(reply({ title: 'Balance', summary: '$74.50 left' })).blocks[0].type // 'header'
 */
export function renderReply(reply: Reply, opts: RenderOptions = {}): SlackMessage {
  const body: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(escapeText(`${TONE_PREFIX[reply.tone]}${reply.title}`), SLACK_LIMITS.header),
        emoji: true,
      },
    },
  ];
  if (reply.summary) body.push(section(escapeText(reply.summary)));
  body.push(...fieldBlocks(reply));
  for (const table of reply.tables ?? []) body.push(...tableBlocks(table));
  if (reply.notes?.length) {
    for (const chunk of chunkLines(
      reply.notes.map((n) => `• ${escapeText(n)}`),
      SLACK_LIMITS.text,
    )) {
      body.push(section(chunk));
    }
  }
  if (reply.links?.length) body.push(section(reply.links.map(linkText).join('  ·  ')));

  const context: MrkdwnElement[] = [];
  if (reply.pending) {
    context.push(
      mrkdwn(
        opts.pendingFollowUp === 'new-message'
          ? '⏳ Still waiting for the final figures; the answer follows as a new message.'
          : '⏳ Still waiting for the final figures; this message updates itself.',
      ),
    );
  }
  if (reply.image) context.push(mrkdwn(`📈 ${escapeText(reply.image.altText)}`));
  if (reply.file) context.push(mrkdwn(`📎 ${escapeText(reply.file.filename)}`));
  if (reply.footer) context.push(mrkdwn(escapeText(reply.footer)));
  if (reply.asOf) context.push(mrkdwn(asOfText(reply.asOf)));
  if (opts.sharedBy) context.push(mrkdwn(`Shared by <@${opts.sharedBy.replace(/[^A-Z0-9]/gi, '')}>`));
  const tail: KnownBlock[] = [];
  if (context.length) tail.push({ type: 'context', elements: context.slice(0, SLACK_LIMITS.contextElements) });
  tail.push(...buttonBlocks(reply, opts));

  let blocks = [...body, ...tail];
  if (blocks.length > SLACK_LIMITS.blocks) {
    const keep = SLACK_LIMITS.blocks - tail.length - 1;
    const dropped = body.length - keep;
    blocks = [
      ...body.slice(0, keep),
      {
        type: 'context',
        elements: [
          mrkdwn(
            `✂️ Truncated: ${dropped} more part${dropped === 1 ? '' : 's'} did not fit in one Slack message. Ask a narrower question (a shorter period, or \`help\`).`,
          ),
        ],
      },
      ...tail,
    ];
  }
  return { text: fallbackText(reply), blocks };
}
