import { describe, expect, it } from 'vitest';
import { reply } from '../../core/reply.js';
import {
  escapeText,
  LIMITS,
  REFRESH_PREFIX,
  renderReply,
  SHARE_ID,
  TONE_COLOURS,
  TRUNCATED_NOTE,
  truncate,
} from './render.js';

function embedLength(e: ReturnType<typeof renderReply>['embeds'][number]): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

const AS_OF = new Date('2026-03-02T09:15:42Z');

describe('renderReply', () => {
  it('renders title, summary, fields, colour by tone and an "as of" footer', () => {
    const out = renderReply(
      reply({
        title: 'Balance',
        tone: 'warning',
        summary: 'Runway 6 days',
        fields: [
          { label: 'Balance', value: '$74.50', inline: true },
          { label: 'Burn rate', value: '$12.10/day' },
        ],
        footer: 'OpenRouter',
        asOf: AS_OF,
      }),
    );
    const [embed] = out.embeds;
    expect(embed?.title).toBe('Balance');
    expect(embed?.description).toBe('Runway 6 days');
    expect(embed?.color).toBe(TONE_COLOURS.warning);
    expect(embed?.fields).toEqual([
      { name: 'Balance', value: '$74.50', inline: true },
      { name: 'Burn rate', value: '$12.10/day' },
    ]);
    expect(embed?.footer?.text).toBe('OpenRouter · as of 2026-03-02 09:15 UTC');
    expect(embed?.timestamp).toBe(AS_OF.toISOString());
    expect(out.ephemeral).toBe(true);
    expect(out.content).toBeUndefined();
  });

  it('puts tables in code blocks and neutralises fences inside cells', () => {
    const out = renderReply(
      reply({
        title: 'Usage',
        tables: [
          { title: 'By model', columns: ['model', 'spend'], rows: [['a```b', '$1.00']], align: ['left', 'right'] },
        ],
      }),
    );
    const desc = out.embeds[0]?.description ?? '';
    expect(desc).toContain('**By model**\n```\nmodel');
    expect(desc.match(/```/g)).toHaveLength(2);
    expect(desc).toContain('a`\u200b``b');
  });

  it('escapes user text so nothing pings or formats', () => {
    const out = renderReply(
      reply({ title: '@everyone *hi*', summary: 'ping <@123456789012345678> and @here [x](https://evil)' }),
    );
    const embed = out.embeds[0];
    expect(embed?.title).not.toMatch(/@everyone/);
    expect(embed?.title).toContain('\\*hi\\*');
    expect(embed?.description).not.toContain('<@1');
    expect(embed?.description).not.toMatch(/@here/);
    expect(embed?.description).toContain('\\[x\\](https://evil)');
    expect(escapeText('<#1> <@&2> </credits:3> <t:1>')).not.toMatch(/<[@#/t]/);
    expect(escapeText('# big\n> quote\n- item\n-# small\n12. numbered\nplain gen-1 a.b')).toBe(
      '\\# big\n\\> quote\n\\- item\n\\-# small\n12\\. numbered\nplain gen-1 a.b',
    );
  });

  it('escapes a megabyte of user text completely, every markdown character and line start', () => {
    // No clock here: a pattern that backtracks would not finish 1 MB within the test timeout at all.
    const unit = '*_~`|[x]\n- ';
    const escaped = '\\*\\_\\~\\`\\|\\[x\\]\n\\- ';
    const copies = Math.ceil(1_000_000 / unit.length);
    const out = escapeText(`${unit.repeat(copies)}@everyone <@123>`);
    expect(out).toBe(`${escaped.repeat(copies)}@\u200beveryone <\u200b@123>`);
  });

  it('keeps at most 25 fields and says how many were left out', () => {
    const fields = Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: String(i) }));
    const embed = renderReply(reply({ title: 'Many', fields })).embeds[0];
    expect(embed?.fields).toHaveLength(25);
    expect(embed?.description).toContain(`${TRUNCATED_NOTE} (5 more fields)`);
  });

  it('keeps a long table within 4,096 characters with the code block closed', () => {
    const rows = Array.from({ length: 500 }, (_, i) => [`model-${i}`, `$${i}.00`]);
    const desc = renderReply(reply({ title: 'Usage', tables: [{ columns: ['model', 'spend'], rows }] })).embeds[0]
      ?.description;
    expect(desc?.length).toBeLessThanOrEqual(LIMITS.description);
    expect((desc?.match(/```/g) ?? []).length % 2).toBe(0);
    expect(desc).toContain(TRUNCATED_NOTE);
  });

  it('keeps the whole embed within 6,000 characters', () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ label: `field ${i}`, value: 'x'.repeat(1500) }));
    const embed = renderReply(
      reply({ title: 'T'.repeat(300), summary: 'y'.repeat(5000), fields, footer: 'z'.repeat(3000), asOf: AS_OF }),
    ).embeds[0];
    expect(embed).toBeDefined();
    if (!embed) return;
    expect(embedLength(embed)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(embed.title?.length).toBeLessThanOrEqual(LIMITS.title);
    expect(embed.footer?.text.length).toBeLessThanOrEqual(LIMITS.footer);
    for (const f of embed.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
    expect(embed.description).toContain(TRUNCATED_NOTE);
  });

  it('caps content at 2,000 characters', () => {
    const out = renderReply(reply({ title: 'x' }), { content: 'c'.repeat(5000) });
    expect(out.content?.length).toBeLessThanOrEqual(LIMITS.content);
    expect(out.content?.length).toBeGreaterThan(LIMITS.content - 10);
  });

  it('adds share only to ephemeral replies, refresh when asked, none while pending', () => {
    const buttons = [
      { action: 'refresh' as const, label: 'Refresh', value: 'usage period:30d' },
      { action: 'share' as const, label: 'Share in channel', value: 'usage period:30d' },
    ];
    const ids = (r: ReturnType<typeof renderReply>) =>
      r.components.flatMap((row) => row.components.map((b) => b.custom_id));
    expect(ids(renderReply(reply({ title: 'u', buttons }), { share: true, refresh: true }))).toEqual([
      `${REFRESH_PREFIX}usage period:30d`,
      SHARE_ID,
    ]);
    expect(
      ids(renderReply(reply({ title: 'u', buttons, visibility: 'public' }), { share: true, refresh: true })),
    ).toEqual([`${REFRESH_PREFIX}usage period:30d`]);
    expect(ids(renderReply(reply({ title: 'u', buttons, pending: true }), { share: true, refresh: true }))).toEqual([]);
    const long = [{ action: 'refresh' as const, label: 'Refresh', value: 'x'.repeat(200) }];
    expect(ids(renderReply(reply({ title: 'u', buttons: long }), { refresh: true }))).toEqual([]);
  });

  it('attaches a chart and points the embed image at it', () => {
    const out = renderReply(
      reply({
        title: 'Digest',
        image: {
          filename: 'week chart.png',
          contentType: 'image/png',
          data: new Uint8Array([1, 2, 3]),
          altText: 'spend',
        },
      }),
    );
    expect(out.files[0]?.name).toBe('week_chart.png');
    expect(out.embeds[0]?.image?.url).toBe('attachment://week_chart.png');
  });
});

describe('truncate', () => {
  it('leaves short text alone and ends cut text with the note', () => {
    expect(truncate('abc', 10)).toBe('abc');
    const cut = truncate('a'.repeat(200), 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut.endsWith(TRUNCATED_NOTE)).toBe(true);
    expect(truncate('abcdef', 3, '…')).toHaveLength(3);
  });
});
