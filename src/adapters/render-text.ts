/**
 * Reply → plain text for the console, `credits-bot ask` and notification fallbacks.
 * @module
 */
import stringWidth from 'string-width';
import type { Reply, ReplyTable } from '../core/reply.js';

/** Pads to `width` terminal columns: CJK characters and emoji take two, combining marks none. */
function pad(cell: string, width: number, align: 'left' | 'right' | undefined): string {
  const fill = ' '.repeat(Math.max(0, width - stringWidth(cell)));
  return align === 'right' ? fill + cell : cell + fill;
}

/**
 * Monospace table with aligned columns, measured in display width (string-width), so names in CJK
 * or with emoji stay aligned; shared by the Slack and Discord renderers (inside code blocks).
 */
export function renderTable(table: ReplyTable): string {
  const rows = [table.columns, ...table.rows, ...(table.footer ? [table.footer] : [])];
  const widths = table.columns.map((_, i) => Math.max(...rows.map((r) => stringWidth(r[i] ?? ''))));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => pad(cell, widths[i] ?? 0, table.align?.[i]))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(table.columns), rule, ...table.rows.map(line)];
  if (table.footer) out.push(rule, line(table.footer));
  return (table.title ? `${table.title}\n` : '') + out.join('\n');
}

/** The whole reply as text, headed by its title. */
export function renderText(r: Reply): string {
  const parts: string[] = [r.title];
  if (r.summary) parts.push(r.summary);
  if (r.fields?.length) parts.push(r.fields.map((f) => `${f.label}: ${f.value}`).join('\n'));
  for (const t of r.tables ?? []) parts.push(renderTable(t));
  if (r.notes?.length) parts.push(r.notes.map((n) => `- ${n}`).join('\n'));
  if (r.links?.length) parts.push(r.links.map((l) => `${l.label}: ${l.url}`).join('\n'));
  if (r.image) parts.push(`[chart: ${r.image.altText}]`);
  if (r.file) parts.push(`[file: ${r.file.filename}]`);
  const footer = [r.footer, r.asOf ? `as of ${r.asOf.toISOString().replace('.000Z', 'Z')}` : undefined].filter(Boolean);
  if (footer.length) parts.push(footer.join(' · '));
  return parts.join('\n\n');
}
