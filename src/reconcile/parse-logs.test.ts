import { describe, expect, it } from 'vitest';
import {
  formatFromPath,
  type LineResult,
  normaliseRecord,
  parseCsv,
  parseCsvRows,
  parseJsonLines,
  sniffFormat,
  splitLines,
} from './parse-logs.js';

async function* chunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const errors = (results: LineResult[]) => results.filter((r) => !r.ok).map((r) => [r.line, r.ok ? '' : r.error]);
const ids = (results: LineResult[]) => results.flatMap((r) => (r.ok ? [r.record.requestId] : []));

describe('normaliseRecord', () => {
  it('reads the contract fields, numbers as numbers or strings, and keeps unknown fields', () => {
    const r = normaliseRecord({
      request_id: 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ',
      timestamp: '2026-11-20T10:00:00Z',
      model: 'openai/gpt-4.1',
      tokens_in: '1,200',
      tokens_out: 80,
      cost: '$0.0015',
      tag: 'search',
      team: 'growth',
    });
    expect(r).toEqual({
      requestId: 'gen-1754553763-Fo6eODcuRTI4SOm6VCIQ',
      timestamp: new Date('2026-11-20T10:00:00Z'),
      model: 'openai/gpt-4.1',
      tokensIn: 1200,
      tokensOut: 80,
      cost: 0.0015,
      tag: 'search',
      extra: { team: 'growth' },
    });
  });

  it('treats empty values as absent and accepts Unix seconds and milliseconds', () => {
    expect(normaliseRecord({ request_id: 'gen-a', cost: '', timestamp: 1767225600 })).toMatchObject({
      cost: null,
      timestamp: new Date('2026-01-01T00:00:00Z'),
    });
    expect(normaliseRecord({ request_id: 'gen-a', timestamp: '1767225600000' })).toMatchObject({
      timestamp: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it.each([
    [{}, 'request_id is missing'],
    [{ request_id: 'req-1' }, 'not an OpenRouter generation id'],
    [{ request_id: 'gen-a', tokens_in: '12.5' }, 'tokens_in must be a whole number'],
    [{ request_id: 'gen-a', tokens_out: -3 }, 'tokens_out must be a whole number'],
    [{ request_id: 'gen-a', cost: 'free' }, 'cost must be an amount'],
    [{ request_id: 'gen-a', cost: -0.1 }, 'cost must be an amount'],
    [{ request_id: 'gen-a', timestamp: 'yesterday' }, 'timestamp must be'],
    [{ request_id: 'gen-a', model: { x: 1 } }, 'model must be text'],
    [{ request_id: 'gen-a', tag: 'x'.repeat(201) }, 'tag is longer than 200'],
  ])('rejects %j', (fields, message) => {
    const r = normaliseRecord(fields);
    expect('error' in r && r.error).toContain(message);
  });
});

describe('JSON lines', () => {
  it('numbers lines from 1, skips blank ones, reports bad ones and keeps going', async () => {
    const text = [
      '{"request_id":"gen-1","cost":0.01}',
      '',
      '{"request_id":"gen-2"',
      '[1,2]',
      '{"cost":1}',
      '{"request_id":"gen-3","tokens_in":"x"}\r',
      '{"request_id":"gen-4","extra":{"deep":true}}',
    ].join('\n');
    const results = await collect(parseJsonLines(chunks(text)));
    expect(ids(results)).toEqual(['gen-1', 'gen-4']);
    expect(errors(results).map(([line]) => line)).toEqual([3, 4, 5, 6]);
    expect(errors(results)[1]?.[1]).toBe('expected a JSON object');
    const last = results.at(-1);
    expect(last?.ok && last.record.extra).toEqual({ extra: { deep: true } });
  });

  it('decodes UTF-8 split across chunks and drops a BOM', async () => {
    const text = '\uFEFF{"request_id":"gen-1","tag":"équipe ✓"}\n';
    const results = await collect(parseJsonLines(chunks(text, 3)));
    expect(results).toHaveLength(1);
    expect(results[0]?.ok && results[0].record.tag).toBe('équipe ✓');
  });

  it('reports an overlong line by number without buffering it, then carries on', async () => {
    const long = `{"request_id":"gen-1","pad":"${'x'.repeat(5000)}"}`;
    const results = await collect(parseJsonLines(chunks(`${long}\n{"request_id":"gen-2"}`, 100), 1000));
    expect(errors(results)).toEqual([[1, 'line is longer than 1,000 characters']]);
    expect(ids(results)).toEqual(['gen-2']);
  });

  it('counts lines across many chunks', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `{"request_id":"gen-${i + 1}"}`);
    const results = await collect(splitLines(chunks(lines.join('\n'), 13)));
    expect(results.map((r) => r.line)).toEqual(lines.map((_, i) => i + 1));
    expect(results[999]?.text).toBe('{"request_id":"gen-1000"}');
  });
});

describe('CSV', () => {
  it('parses quotes, doubled quotes, commas and newlines inside quotes, CRLF', async () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n1,,3\n';
    const rows = await collect(parseCsvRows(chunks(text, 2)));
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\nlines'] },
      { line: 4, fields: ['1', '', '3'] },
    ]);
  });

  it('numbers records by the line they start on and reports malformed ones', async () => {
    const text = [
      'request_id,cost,tag,note',
      'gen-1,0.01,search,"multi',
      'line note"',
      'gen-2,0.02,chat',
      'gen-3,"0.03"x,chat,n',
      'gen-4,abc,chat,n',
      '',
      'gen-5,0.05,"a ""quoted"" tag",ok',
      'gen-6,0.06,chat,"never closed',
    ].join('\n');
    const results = await collect(parseCsv(chunks(text)));
    expect(ids(results)).toEqual(['gen-1', 'gen-5']);
    expect(errors(results)).toEqual([
      [4, 'expected 4 fields as in the header, found 3'],
      [5, 'cost must be an amount of USD ≥ 0, not ""0.03"x"'],
      [6, 'cost must be an amount of USD ≥ 0, not "abc"'],
      [9, 'a quoted field is never closed'],
    ]);
    const first = results[0];
    expect(first?.ok && first.record.extra).toEqual({ note: 'multi\nline note' });
    const fifth = results.find((r) => r.ok && r.record.requestId === 'gen-5');
    expect(fifth?.ok && fifth.record.tag).toBe('a "quoted" tag');
  });

  it('reads a `;`-separated CSV with a BOM and a quoted newline (a spreadsheet export), lines kept', async () => {
    const text = [
      '\uFEFFrequest_id;cost;tag;note',
      'gen-1;0.01;search;"first line',
      'second; line"',
      'gen-2;abc;chat;x',
      'gen-3;0.03;"a;b";ok',
    ].join('\r\n');
    const results = await collect(parseCsv(chunks(text, 7)));
    expect(ids(results)).toEqual(['gen-1', 'gen-3']);
    const first = results[0];
    expect(first?.ok && first.line).toBe(2);
    expect(first?.ok && first.record.extra).toEqual({ note: 'first line\nsecond; line' });
    expect(errors(results)).toEqual([[4, 'cost must be an amount of USD ≥ 0, not "abc"']]);
    const third = results.find((r) => r.ok && r.record.requestId === 'gen-3');
    expect(third?.ok && [third.line, third.record.tag]).toEqual([5, 'a;b']);
  });

  it('reads tab-separated values', async () => {
    const results = await collect(parseCsv(chunks('request_id\tcost\ngen-1\t0.5\n')));
    expect(results[0]?.ok && results[0].record.cost).toBe(0.5);
  });

  it('needs a request_id column', async () => {
    const results = await collect(parseCsv(chunks('id,cost\ngen-1,1\n')));
    expect(errors(results)).toEqual([[1, 'the header has no request_id column']]);
  });

  it('reports an overlong record and resumes at the next one', async () => {
    const text = `request_id,note\ngen-1,"${'x'.repeat(3000)}"\ngen-2,ok\n`;
    const results = await collect(parseCsv(chunks(text, 64), 1000));
    expect(errors(results)).toEqual([[2, 'record is longer than 1,000 characters']]);
    expect(ids(results)).toEqual(['gen-2']);
  });
});

describe('format', () => {
  it('comes from the extension, or from the first character', () => {
    expect(formatFromPath('/x/logs.CSV')).toBe('csv');
    expect(formatFromPath('logs.ndjson')).toBe('jsonl');
    expect(formatFromPath('logs.txt')).toBeNull();
    expect(sniffFormat('\uFEFF  {"request_id"')).toBe('jsonl');
    expect(sniffFormat('request_id,cost')).toBe('csv');
  });
});
