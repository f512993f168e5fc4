/**
 * Reply → a Discord message: one embed (title, summary, tables in code blocks, fields, notes,
 * links, an "as of" footer, a colour by tone), buttons and an optional chart attachment. Every
 * string from a Reply is plain text, so it is escaped here; Discord's limits are enforced here,
 * truncating with a note rather than letting the API reject the message.
 * @module
 */
import {
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import { buttonSpec, PRESS_BUTTONS } from '../../core/buttons.js';
import type { Reply, ReplyButton, ReplyTable, Tone } from '../../core/reply.js';
import { formatUtcMinute } from '../../domain/time.js';
import { renderTable } from '../render-text.js';

/** Discord's documented message and embed limits. */
export const LIMITS = {
  content: 2000,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  customId: 100,
  buttonLabel: 80,
} as const;

export const TRUNCATED_NOTE = '… (truncated: the full answer is longer than Discord allows)';

export const TONE_COLOURS: Readonly<Record<Tone, number>> = {
  neutral: 0x5865f2,
  good: 0x57f287,
  warning: 0xfee75c,
  danger: 0xed4245,
};
const PENDING_COLOUR = 0x99aab5;

export const SHARE_ID = 'credits:share';
export const REFRESH_PREFIX = 'credits:refresh:';

/** A press button's custom id: `<action>:<value>` (core/buttons.ts declares the actions). */
const pressCustomId = (action: string, value: string) => `${action}:${value}`;

/** The press button a custom id names, or undefined; the inverse of `pressCustomId`. */
export function parsePressCustomId(customId: string): { action: string; value: string } | undefined {
  const spec = PRESS_BUTTONS.find((b) => customId.startsWith(`${b.action}:`));
  return spec ? { action: spec.action, value: customId.slice(spec.action.length + 1) } : undefined;
}

// Linear on purpose: discord.js's escapeMarkdown takes ~0.3 s on 5,000 characters of user text.
const INLINE_MARKDOWN = /[\\*_~`|[\]]/g;
const BLOCK_START = /^([ \t]*)([>#]|[-+]#?(?= )|\d+(?=\. ))/gm;
const MENTION_START = /<(?=[@#/]|a?:|t:)/g;
const MASS_MENTION = /@(everyone|here)/gi;
const FENCE = /```/g;
const HTTP_URL = /^https?:\/\/\S+$/;

export interface RenderedFile {
  attachment: Buffer;
  name: string;
  description?: string;
}

export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files: RenderedFile[];
  ephemeral: boolean;
}

export interface RenderOptions {
  /** Offer "Share in channel" (only meaningful on ephemeral replies). */
  share?: boolean;
  /** Offer "Refresh" buttons. */
  refresh?: boolean;
  /** Plain text shown above the embed (escaped, at most 2,000 characters). */
  content?: string;
  /** Trusted content (e.g. `Shared by <@id>`), not escaped. */
  rawContent?: string;
}

/** Escapes user-visible text: markdown, mentions (`<@…>`, `@everyone`) and link syntax. */
export function escapeText(text: string): string {
  return text
    .replace(INLINE_MARKDOWN, '\\$&')
    .replace(BLOCK_START, (_m, indent: string, marker: string) =>
      /^\d/.test(marker) ? `${indent}${marker}\\` : `${indent}\\${marker}`,
    )
    .replace(MENTION_START, '<\u200b')
    .replace(MASS_MENTION, '@\u200b$1');
}

/** Cuts `text` to `max` characters, closing an open code block and ending with the note. */
export function truncate(text: string, max: number, note = TRUNCATED_NOTE): string {
  if (text.length <= max) return text;
  if (max <= note.length + 5) return text.slice(0, Math.max(0, max - 1)) + (max > 0 ? '…' : '');
  let cut = text.slice(0, max - note.length - 5);
  const newline = cut.lastIndexOf('\n');
  if (newline > cut.length / 2) cut = cut.slice(0, newline);
  if ((cut.match(FENCE)?.length ?? 0) % 2 === 1) cut += '\n```';
  return `${cut}\n${note}`;
}

function codeBlock(table: ReplyTable): string {
  const body = renderTable({ ...table, title: undefined }).replace(FENCE, '`\u200b``');
  const title = table.title ? `**${escapeText(table.title)}**\n` : '';
  return `${title}\`\`\`\n${body}\n\`\`\``;
}

function description(r: Reply): string {
  const parts: string[] = [];
  if (r.summary) parts.push(escapeText(r.summary));
  for (const t of r.tables ?? []) parts.push(codeBlock(t));
  if (r.notes?.length) parts.push(r.notes.map((n) => `• ${escapeText(n)}`).join('\n'));
  const links = (r.links ?? []).filter((l) => HTTP_URL.test(l.url));
  if (links.length) parts.push(links.map((l) => `[${escapeText(l.label)}](${l.url})`).join(' · '));
  return parts.join('\n\n');
}

function asOfText(d: Date): string {
  return `as of ${formatUtcMinute(d)}`;
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Keeps the embed within 6,000 characters: drops trailing fields first, then cuts the description. */
function fitEmbed(embed: APIEmbed, droppedFields: number): APIEmbed {
  const fields = [...(embed.fields ?? [])];
  let dropped = droppedFields;
  const noteOf = (n: number) => (n > 0 ? `${TRUNCATED_NOTE} (${n} more field${n === 1 ? '' : 's'})` : '');
  const withNote = (e: APIEmbed, n: number): APIEmbed => {
    if (n === 0) return e;
    const desc = e.description ? `${e.description}\n\n${noteOf(n)}` : noteOf(n);
    return { ...e, description: truncate(desc, LIMITS.description) };
  };
  let current = withNote({ ...embed, fields }, dropped);
  while (embedLength(current) > LIMITS.embedTotal && fields.length > 0) {
    fields.pop();
    dropped += 1;
    current = withNote({ ...embed, fields }, dropped);
  }
  if (embedLength(current) > LIMITS.embedTotal) {
    const room = LIMITS.embedTotal - (embedLength(current) - (current.description?.length ?? 0));
    current = { ...current, description: truncate(current.description ?? '', Math.max(0, room)) };
  }
  if (current.fields?.length === 0) delete current.fields;
  return current;
}

function buttonRow(r: Reply, opts: RenderOptions): APIActionRowComponent<APIButtonComponentWithCustomId>[] {
  const buttons: APIButtonComponentWithCustomId[] = [];
  const add = (b: ReplyButton, customId: string, style: ButtonStyle.Primary | ButtonStyle.Secondary) => {
    if (customId.length > LIMITS.customId || buttons.some((x) => x.custom_id === customId)) return;
    buttons.push({
      type: ComponentType.Button,
      style,
      custom_id: customId,
      label: b.label.slice(0, LIMITS.buttonLabel),
    });
  };
  for (const b of r.buttons ?? []) {
    const spec = buttonSpec(b.action);
    if (!spec) continue;
    const style = spec.style === 'primary' ? ButtonStyle.Primary : ButtonStyle.Secondary;
    if (spec.kind === 'share' && opts.share && r.visibility === 'ephemeral') add(b, SHARE_ID, style);
    if (spec.kind === 'refresh' && opts.refresh) add(b, `${REFRESH_PREFIX}${b.value}`, style);
    if (spec.kind === 'press') add(b, pressCustomId(b.action, b.value), style);
  }
  return buttons.length ? [{ type: ComponentType.ActionRow, components: buttons.slice(0, 5) }] : [];
}

/** Renders a reply within Discord's limits. Pending replies get no buttons. */
export function renderReply(r: Reply, opts: RenderOptions = {}): RenderedMessage {
  const allFields: APIEmbedField[] = (r.fields ?? []).map((f) => ({
    name: truncate(escapeText(f.label), LIMITS.fieldName, '…') || '\u200b',
    value: truncate(escapeText(f.value), LIMITS.fieldValue, '…') || '—',
    ...(f.inline ? { inline: true } : {}),
  }));
  const footerText = [r.footer ? escapeText(r.footer) : undefined, r.asOf ? asOfText(r.asOf) : undefined]
    .filter(Boolean)
    .join(' · ');
  const desc = description(r);
  const embed: APIEmbed = {
    title: truncate(escapeText(r.title), LIMITS.title, '…'),
    color: r.pending ? PENDING_COLOUR : TONE_COLOURS[r.tone],
    ...(desc ? { description: truncate(desc, LIMITS.description) } : {}),
    fields: allFields.slice(0, LIMITS.fields),
    ...(footerText ? { footer: { text: truncate(footerText, LIMITS.footer, '…') } } : {}),
    ...(r.asOf ? { timestamp: r.asOf.toISOString() } : {}),
  };
  const files: RenderedFile[] = [];
  if (r.image) {
    const name = r.image.filename.replace(/[^\w.-]/g, '_') || 'chart.png';
    files.push({ attachment: Buffer.from(r.image.data), name, description: r.image.altText.slice(0, 1024) });
    embed.image = { url: `attachment://${name}` };
  }
  if (r.file) {
    // A CSV export goes as a plain attachment next to the embed (Discord shows it as a download).
    const name = r.file.filename.replace(/[^\w.-]/g, '_') || 'usage.csv';
    files.push({ attachment: Buffer.from(r.file.data), name, description: r.file.title ?? name });
  }
  const fitted = fitEmbed(embed, Math.max(0, allFields.length - LIMITS.fields));
  const content = [opts.rawContent, opts.content ? escapeText(opts.content) : undefined].filter(Boolean).join('\n');
  return {
    ...(content ? { content: truncate(content, LIMITS.content, '…') } : {}),
    embeds: [fitted],
    components: r.pending ? [] : buttonRow(r, opts),
    files,
    ephemeral: r.visibility === 'ephemeral',
  };
}
