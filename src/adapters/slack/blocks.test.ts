import { describe, expect, it } from 'vitest';
import { type Reply, reply } from '../../core/reply.js';
import { escapeText, fallbackText, renderReply, SLACK_LIMITS, truncate } from './blocks.js';

type Block = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: unknown[] };

/** Every text Slack will read in a message: top-level text, block texts, fields, context, buttons. */
function allTexts(msg: { text: string; blocks: unknown[] }): string[] {
  const out = [msg.text];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'text' && typeof v === 'string') out.push(v);
        else visit(v);
      }
    }
  };
  visit(msg.blocks);
  return out;
}

describe('escapeText', () => {
  it('escapes the three control characters, & first', () => {
    expect(escapeText('a & b <!channel> <@U123> >')).toBe('a &amp; b &lt;!channel&gt; &lt;@U123&gt; &gt;');
  });
});

describe('truncate', () => {
  it('keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
  });
  it('never cuts inside an escape sequence', () => {
    const cut = truncate(escapeText('aaaa<bbbb'), 7);
    expect(cut).toBe('aaaa…');
  });
});

describe('renderReply', () => {
  const full: Reply = reply({
    title: 'Balance',
    summary: '$74.50 left',
    fields: [
      { label: 'Credits', value: '$100.00', inline: true },
      { label: 'Used', value: '$25.50', inline: true },
      { label: 'Runway', value: '12 days (until 2026-12-08)' },
    ],
    tables: [
      { title: 'By model', columns: ['model', 'spend'], rows: [['openai/gpt-4.1', '$3.20']], align: ['left', 'right'] },
    ],
    notes: ['Figures are in USD'],
    links: [{ label: 'Activity', url: 'https://openrouter.ai/activity?a=1&b=2' }],
    footer: 'OpenRouter',
    asOf: new Date('2026-11-26T12:00:00Z'),
    buttons: [
      { action: 'share', label: 'Share in channel', value: 'balance' },
      { action: 'refresh', label: 'Refresh', value: 'balance' },
    ],
  });

  it('renders header, fields, a preformatted table, context with "as of", and buttons', () => {
    const msg = renderReply(full);
    const types = msg.blocks.map((b) => b.type);
    expect(types[0]).toBe('header');
    expect(types).toContain('actions');
    expect(types).toContain('context');
    const blocks = msg.blocks as Block[];
    const fields = blocks.find((b) => b.fields)?.fields?.map((f) => f.text);
    expect(fields).toEqual(['*Credits*\n$100.00', '*Used*\n$25.50']);
    const table = blocks.find((b) => b.text?.text.startsWith('```'));
    expect(table?.text?.text).toContain('openai/gpt-4.1  $3.20');
    const context = JSON.stringify(blocks.find((b) => b.type === 'context'));
    expect(context).toContain('as of <!date^');
    expect(context).toContain('2026-11-26 12:00 UTC');
    const actions = blocks.find((b) => b.type === 'actions')?.elements as { action_id: string; value: string }[];
    expect(actions.map((a) => a.action_id)).toEqual(['share', 'refresh']);
    expect(JSON.stringify(msg.blocks)).toContain('<https://openrouter.ai/activity?a=1&amp;b=2|Activity>');
  });

  it('has a fallback text for notifications', () => {
    expect(renderReply(full).text).toBe('Balance: $74.50 left');
    expect(fallbackText(reply({ title: 'Only a title' }))).toBe('Only a title');
  });

  it('keeps echoed mentions inert everywhere', () => {
    const hostile = reply({
      title: 'Unknown <!here>',
      summary: 'I don\'t know the command "<!channel>" <@U0BAD> & <!everyone>',
      fields: [{ label: '<!subteam^S1>', value: '<@U0BAD|boss>', inline: true }],
      tables: [{ columns: ['<!here>'], rows: [['<@U1>']] }],
      notes: ['<!channel>'],
      links: [{ label: '<!here>', url: 'javascript:<!here>' }],
      footer: '<!channel>',
      buttons: [{ action: 'refresh', label: '<!here>', value: 'x' }],
    });
    for (const text of allTexts(renderReply(hostile))) {
      expect(text).not.toMatch(/<[!@#]/);
    }
  });

  it('adds "Shared by" and hides buttons while pending', () => {
    const shared = renderReply(reply({ title: 'x', buttons: [{ action: 'refresh', label: 'Refresh', value: 'x' }] }), {
      sharedBy: 'U0042',
    });
    expect(JSON.stringify(shared.blocks)).toContain('Shared by <@U0042>');
    const pending = renderReply(
      reply({ title: 'x', pending: true, buttons: [{ action: 'share', label: 's', value: 'x' }] }),
    );
    expect(pending.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(pending.blocks)).toContain('Still waiting');
    expect(JSON.stringify(pending.blocks)).toContain('this message updates itself');
  });

  it('never promises an update in place where the answer can only follow as a new message', () => {
    const pending = renderReply(reply({ title: 'x', pending: true }), { pendingFollowUp: 'new-message' });
    const text = JSON.stringify(pending.blocks);
    expect(text).toContain('the answer follows as a new message');
    expect(text).not.toMatch(/updates itself|will update/);
  });

  it('drops buttons whose value Slack would refuse', () => {
    const msg = renderReply(
      reply({ title: 'x', buttons: [{ action: 'refresh', label: 'Refresh', value: 'y'.repeat(2001) }] }),
    );
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('stays inside 50 blocks and 3,000 characters per text, with a note, for huge answers', () => {
    const huge = reply({
      title: 'T'.repeat(500),
      summary: 'S'.repeat(10_000),
      fields: Array.from({ length: 200 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(3000), inline: i % 2 === 0 })),
      tables: Array.from({ length: 5 }, () => ({
        columns: ['a', 'b'],
        rows: Array.from({ length: 2000 }, (_, i) => [`row ${i}`, 'x'.repeat(50)]),
      })),
      notes: Array.from({ length: 100 }, () => 'n'.repeat(500)),
      buttons: [{ action: 'refresh', label: 'Refresh', value: 'usage' }],
    });
    const msg = renderReply(huge);
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const text of allTexts(msg)) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    const header = msg.blocks[0] as Block;
    expect(header.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    for (const b of msg.blocks as Block[]) {
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
    }
    expect(JSON.stringify(msg.blocks)).toContain('Truncated');
    // the buttons survive truncation
    expect(msg.blocks.at(-1)?.type).toBe('actions');
  });

  it('splits a long table into several preformatted sections', () => {
    const msg = renderReply(
      reply({
        title: 'Usage',
        tables: [{ columns: ['model'], rows: Array.from({ length: 600 }, (_, i) => [`model-${i}`]) }],
      }),
    );
    const code = (msg.blocks as Block[]).filter((b) => b.text?.text.startsWith('```'));
    expect(code.length).toBeGreaterThan(1);
    for (const b of code) expect(b.text?.text.endsWith('```')).toBe(true);
  });
});
