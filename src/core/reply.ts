/**
 * The neutral reply every command returns. Adapters translate it (Slack Block Kit, Discord embeds,
 * plain text). All strings are plain text: renderers escape them for their platform, so user text
 * echoed back can never ping anyone.
 * @module
 */
import type { ButtonAction } from './buttons.js';

export type Tone = 'neutral' | 'good' | 'warning' | 'danger';

export interface ReplyField {
  label: string;
  value: string;
  /** Short fields may sit side by side. */
  inline?: boolean;
}

export interface ReplyTable {
  title?: string;
  columns: readonly string[];
  rows: readonly (readonly string[])[];
  /** Per column; numbers read best right-aligned. */
  align?: readonly ('left' | 'right')[];
  /** A totals row, shown after a rule. */
  footer?: readonly string[];
}

export interface ReplyImage {
  filename: string;
  contentType: 'image/png';
  data: Uint8Array;
  altText: string;
  title?: string;
}

/** A file to hand over as it is (a CSV export): Slack and Discord attach it, the console prints it. */
interface ReplyFile {
  filename: string;
  contentType: 'text/csv';
  data: Uint8Array;
  title?: string;
}

/** A button; `value` is what comes back when it is pressed (e.g. the command text to refresh). */
export interface ReplyButton {
  action: ButtonAction;
  label: string;
  value: string;
}

export interface Reply {
  title: string;
  tone: Tone;
  /** One line that stands for the whole reply (notification text, plain-text first line). */
  summary?: string;
  fields?: ReplyField[];
  tables?: ReplyTable[];
  notes?: string[];
  links?: { label: string; url: string }[];
  /** When the figures were read; shown as "as of …". */
  asOf?: Date;
  footer?: string;
  image?: ReplyImage;
  file?: ReplyFile;
  /** Commands answer ephemerally by default; digests and alerts are public. */
  visibility: 'ephemeral' | 'public';
  buttons?: ReplyButton[];
  /** The answer is not final yet: show this reply, then replace it with what `followUp` resolves to. */
  pending?: boolean;
  followUp?: () => Promise<Reply>;
}

/** Builds a reply with the defaults (neutral, ephemeral). */
export function reply(r: Omit<Reply, 'tone' | 'visibility'> & Partial<Pick<Reply, 'tone' | 'visibility'>>): Reply {
  return { tone: 'neutral', visibility: 'ephemeral', ...r };
}

/** A short error reply: what was wrong and the right form. */
export function errorReply(message: string, usage?: string): Reply {
  return reply({ title: 'Sorry', tone: 'warning', summary: message, ...(usage ? { notes: [`Usage: ${usage}`] } : {}) });
}

/**
 * The final answer of a reply: the reply itself when it is not pending, else what its `followUp`
 * resolves to. A failed follow-up becomes `onError(error)` (which may log, or rethrow). The one
 * place every adapter settles a pending answer.
 */
export async function settleReply(r: Reply, onError: (error: unknown) => Reply): Promise<Reply> {
  if (!r.pending || !r.followUp) return r;
  try {
    return await r.followUp();
  } catch (error) {
    return onError(error);
  }
}
