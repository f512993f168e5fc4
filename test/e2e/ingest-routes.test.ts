import { gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { ALL_TABLES } from '../../src/db/schema.js';
import { registerIngestRoutes } from '../../src/http/ingest.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';

const TOKEN = 'ingest-token-0123456789abcdef';
const log = pino({ level: 'silent' });
let handle: DbHandle;
let http: HttpServer;
let url: string;
let disabled: HttpServer;
let disabledUrl: string;

async function server(env: Record<string, string>, maxBodyBytes?: number) {
  const s = createHttpServer({ host: '127.0.0.1', port: 0, log });
  registerIngestRoutes(s, {
    services: { config: loadConfig(env), store: { available: () => true, get: () => handle } },
    log,
    ...(maxBodyBytes ? { maxBodyBytes } : {}),
  });
  return { s, url: (await s.start()).url };
}

beforeAll(async () => {
  handle = await createDb({ memory: true });
  await migrate(handle);
  ({ s: http, url } = await server({ INGEST_TOKEN: TOKEN }, 64 * 1024));
  ({ s: disabled, url: disabledUrl } = await server({}));
});

afterAll(async () => {
  await http?.stop();
  await disabled?.stop();
  await handle?.close();
});

beforeEach(async () => {
  await handle.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} cascade`));
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}, base = url) =>
  fetch(`${base}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', ...headers } });

async function count(table: string): Promise<number> {
  const r = (await handle.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { n: number }[];
  return Number(r[0]?.n);
}

describe('POST /ingest/requests', () => {
  it('401 without the bearer token or with a wrong one; 404 when INGEST_TOKEN is unset', async () => {
    const body = '{"request_id":"gen-1"}\n';
    expect((await post('/ingest/requests', body)).status).toBe(401);
    expect((await post('/ingest/requests', body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/ingest/requests', body, { authorization: TOKEN })).status).toBe(401);
    const off = await post('/ingest/requests', body, auth, disabledUrl);
    expect(off.status).toBe(404);
    expect(await off.json()).toEqual({ error: 'ingest is disabled: set INGEST_TOKEN to enable it' });
    expect(await count('request_logs')).toBe(0);
  });

  it('413 for a body over the limit, declared or streamed, gzip included', async () => {
    const big = `${'{"request_id":"gen-1","pad":"'}${'x'.repeat(70 * 1024)}"}\n`;
    expect((await post('/ingest/requests', big, auth)).status).toBe(413);
    const bomb = gzipSync(Buffer.from('\n'.repeat(1024 * 1024)));
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect((await post('/ingest/requests', bomb, { ...auth, 'content-encoding': 'gzip' })).status).toBe(413);
    expect(await count('request_logs')).toBe(0);
  });

  it('stores good lines, lists bad ones by line number, queues lookups, and ignores a retried body', async () => {
    const body = [
      '{"request_id":"gen-1","cost":0.01,"tag":"search","team":"growth"}',
      'not json',
      '{"request_id":"gen-2","tokens_in":"many"}',
      '',
      '{"request_id":"gen-3"}',
    ].join('\n');
    const res = await post('/ingest/requests', body, auth);
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ accepted: 2, rejected: 2 });
    expect(json.errors).toEqual([
      { line: 2, error: expect.stringContaining('not valid JSON') },
      { line: 3, error: 'tokens_in must be a whole number of tokens ≥ 0, not "many"' },
    ]);
    expect(await count('request_logs')).toBe(2);
    expect(await count("generation_lookups where status = 'queued'")).toBe(2);
    const again = await post('/ingest/requests', body, auth);
    expect(await again.json()).toMatchObject({ accepted: 0, alreadyIngested: true });
    expect(await count('request_logs')).toBe(2);
  });

  it('400 when no line is usable; CSV with content-type text/csv', async () => {
    expect((await post('/ingest/requests', 'nope\n', auth)).status).toBe(400);
    const csv = await post('/ingest/requests', 'request_id,cost,tag\ngen-9,0.5,"a, b"\n', {
      ...auth,
      'content-type': 'text/csv',
    });
    expect(await csv.json()).toMatchObject({ accepted: 1, rejected: 0 });
  });
});

/** A Broadcast delivery as OpenRouter's webhook destination sends it: OTLP JSON, integers as strings. */
function broadcast(id: string, extra: { key: string; value: Record<string, unknown> }[] = []) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'openrouter' } }] },
        scopeSpans: [
          {
            scope: { name: 'openrouter' },
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'chat openai/gpt-4.1',
                startTimeUnixNano: '1767225600000000000',
                endTimeUnixNano: '1767225601250000000',
                attributes: [
                  { key: 'gen_ai.request.model', value: { stringValue: 'openai/gpt-4.1' } },
                  { key: 'gen_ai.response.id', value: { stringValue: id } },
                  { key: 'gen_ai.usage.prompt_tokens', value: { intValue: '50' } },
                  { key: 'gen_ai.usage.completion_tokens', value: { intValue: '125' } },
                  { key: 'gen_ai.usage.cost', value: { doubleValue: 0.0015 } },
                  { key: 'trace.metadata.tag', value: { stringValue: 'search' } },
                  ...extra,
                ],
              },
              { traceId: '5b8e', spanId: 'aaa1', name: 'workflow', attributes: [] },
            ],
          },
        ],
      },
    ],
  };
}

describe('POST /ingest/otlp', () => {
  it('answers the Broadcast connection test with 200, and 401 without the token', async () => {
    const ok = await post('/ingest/otlp', '{}', {
      ...auth,
      'content-type': 'application/json',
      'x-test-connection': 'true',
    });
    expect(ok.status).toBe(200);
    const empty = await post('/ingest/otlp', '', { ...auth, 'x-test-connection': 'true' });
    expect(empty.status).toBe(200);
    const noAuth = await post('/ingest/otlp', '{}', {
      'content-type': 'application/json',
      'x-test-connection': 'true',
    });
    expect(noAuth.status).toBe(401);
  });

  it('stores a span as a request log with its attributes, skips spans without an id, dedupes redeliveries', async () => {
    const payload = JSON.stringify(
      broadcast('gen-1767225600-Fo6eODcuRTI4SOm6VCIQ', [{ key: 'user.id', value: { stringValue: 'u-1' } }]),
    );
    const res = await post('/ingest/otlp', payload, { ...auth, 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
      partialSuccess: { rejectedSpans: '1' },
      errors: [{ span: '0.0.1', error: 'no generation id (gen-…) among the span attributes' }],
    });
    const rows = (await handle.db.execute(
      sql`select request_id, source, model, tokens_in::int as tokens_in, tokens_out::int as tokens_out, cost, tag, ts, extra from request_logs`,
    )) as unknown as Record<string, unknown>[];
    const row = rows[0] as Record<string, unknown>;
    expect(row).toMatchObject({
      request_id: 'gen-1767225600-Fo6eODcuRTI4SOm6VCIQ',
      source: 'otlp',
      model: 'openai/gpt-4.1',
      tokens_in: 50,
      tokens_out: 125,
      cost: 0.0015,
      tag: 'search',
    });
    expect(new Date(row.ts as string).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(row.extra).toMatchObject({ attributes: { 'user.id': 'u-1' }, resource: { 'service.name': 'openrouter' } });
    // Broadcast retried (the same span, gzip this time)
    const retry = await post('/ingest/otlp', gzipSync(payload), {
      ...auth,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(await retry.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await count('request_logs')).toBe(1);
  });

  it('400 for a body that is not JSON, 415 for protobuf, 413 past the limit', async () => {
    expect((await post('/ingest/otlp', '{nope', { ...auth, 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('/ingest/otlp', 'x', { ...auth, 'content-type': 'application/x-protobuf' })).status).toBe(415);
    const big = JSON.stringify(broadcast('gen-1', [{ key: 'pad', value: { stringValue: 'x'.repeat(70 * 1024) } }]));
    expect((await post('/ingest/otlp', big, { ...auth, 'content-type': 'application/json' })).status).toBe(413);
  });
});
