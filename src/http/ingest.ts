/**
 * `POST /ingest/requests` (JSON lines of local request logs, or CSV with `content-type: text/csv`)
 * and `POST /ingest/otlp` (an OpenRouter Broadcast webhook destination, OTLP JSON). Both need
 * `Authorization: Bearer $INGEST_TOKEN`; without INGEST_TOKEN they answer 404. Bodies are capped
 * (413), gzip is accepted, and a retried delivery of the same body is not stored twice.
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Services } from '../core/services.js';
import type { Logger } from '../logger.js';
import { parseOtlpTraces } from '../reconcile/otlp.js';
import { type LineResult, type LogRecord, parseCsv, parseJsonLines } from '../reconcile/parse-logs.js';
import { batchExists, insertRequestLogs, knownIds } from '../reconcile/queries.js';
import { type HttpServer, sendJson } from './server.js';

export interface IngestDeps {
  services: Pick<Services, 'config' | 'store'>;
  log: Logger;
  /** Largest body accepted, after decompression. Default 10 MiB. */
  maxBodyBytes?: number;
}

/** Per-line (or per-span) errors listed in a response, at most. */
const MAX_LISTED_ERRORS = 1_000;
const INSERT_BATCH = 1_000;

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Reads the whole body (decompressed), failing with 413 past `limit` bytes without reading on. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyError(413, `body larger than ${limit} bytes`);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let source: AsyncIterable<Buffer> = req;
  if (encoding === 'gzip') source = req.pipe(createGunzip());
  else if (encoding === 'deflate') source = req.pipe(createInflate());
  else if (encoding !== 'identity') throw new BodyError(415, `unsupported content-encoding ${encoding.slice(0, 20)}`);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) {
        req.resume();
        throw new BodyError(413, `body larger than ${limit} bytes`);
      }
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError(400, `unreadable body: ${error instanceof Error ? error.message : String(error)}`);
  }
  return Buffer.concat(parts);
}

function contentType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').toLowerCase();
}

export function registerIngestRoutes(http: HttpServer, deps: IngestDeps): void {
  const limit = deps.maxBodyBytes ?? 10 * 1024 * 1024;
  const token = deps.services.config.ingestToken;
  const expected = token ? sha256(token.reveal()) : undefined;

  /** Sends the refusal and returns false unless the request may go on. */
  function admit(req: IncomingMessage, res: Parameters<typeof sendJson>[0]): boolean {
    if (!expected) {
      sendJson(res, 404, { error: 'ingest is disabled: set INGEST_TOKEN to enable it' });
      return false;
    }
    const header = String(req.headers.authorization ?? '');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !timingSafeEqual(sha256(match[1]), expected)) {
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: 'missing or wrong bearer token (Authorization: Bearer $INGEST_TOKEN)' });
      return false;
    }
    if (!deps.services.store.available()) {
      sendJson(res, 503, { error: 'the store is unavailable; retry later' });
      return false;
    }
    return true;
  }

  async function body(req: IncomingMessage, res: Parameters<typeof sendJson>[0]): Promise<Buffer | undefined> {
    try {
      return await readBody(req, limit);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      res.setHeader('connection', 'close');
      sendJson(res, error.status, { error: error.message });
      return undefined;
    }
  }

  http.addRoute({
    method: 'POST',
    path: '/ingest/requests',
    handler: async (req, res) => {
      if (!admit(req, res)) return;
      const raw = await body(req, res);
      if (!raw) return;
      const db = deps.services.store.get().db;
      const batchId = `http:${sha256(raw).toString('hex').slice(0, 32)}`;
      if (await batchExists(db, batchId)) {
        sendJson(res, 200, { batchId, accepted: 0, rejected: 0, errors: [], alreadyIngested: true });
        return;
      }
      const parse = contentType(req).includes('csv') ? parseCsv : parseJsonLines;
      let accepted = 0;
      let rejected = 0;
      const errors: { line: number; error: string }[] = [];
      let pending: { line: number; record: LogRecord }[] = [];
      const results: AsyncGenerator<LineResult> = parse([raw]);
      for await (const r of results) {
        if (r.ok) {
          pending.push({ line: r.line, record: r.record });
          accepted += 1;
          if (pending.length >= INSERT_BATCH) {
            await insertRequestLogs(db, { batchId, source: 'http' }, pending);
            pending = [];
          }
        } else {
          rejected += 1;
          if (errors.length < MAX_LISTED_ERRORS) errors.push({ line: r.line, error: r.error });
        }
      }
      await insertRequestLogs(db, { batchId, source: 'http' }, pending);
      deps.log.info({ batchId, accepted, rejected }, 'request logs ingested');
      sendJson(res, accepted === 0 && rejected > 0 ? 400 : 200, {
        batchId,
        accepted,
        rejected,
        errors,
        ...(rejected > errors.length ? { errorsTruncated: rejected - errors.length } : {}),
      });
    },
  });

  http.addRoute({
    method: 'POST',
    path: '/ingest/otlp',
    handler: async (req, res) => {
      if (!admit(req, res)) return;
      if (contentType(req).includes('protobuf')) {
        sendJson(res, 415, { error: 'send OTLP as JSON (content-type: application/json)' });
        return;
      }
      const raw = await body(req, res);
      if (!raw) return;
      const text = raw.toString('utf8').trim();
      // Broadcast's connection test: an empty payload with X-Test-Connection: true. 2xx passes.
      if (String(req.headers['x-test-connection'] ?? '').toLowerCase() === 'true' && (text === '' || text === '{}')) {
        sendJson(res, 200, {});
        return;
      }
      let payload: unknown;
      try {
        payload = text === '' ? {} : JSON.parse(text);
      } catch {
        sendJson(res, 400, { error: 'the body is not JSON (expected an OTLP ExportTraceServiceRequest)' });
        return;
      }
      let parsed: ReturnType<typeof parseOtlpTraces>;
      try {
        parsed = parseOtlpTraces(payload);
      } catch (error) {
        sendJson(res, 400, { error: error instanceof Error ? error.message : 'not an OTLP payload' });
        return;
      }
      const db = deps.services.store.get().db;
      const spans = parsed.results.flatMap((r) => (r.ok ? [r] : []));
      const seen = await knownIds(
        db,
        'otlp',
        spans.map((s) => s.record.requestId),
      );
      const fresh: { line: number | null; record: LogRecord }[] = [];
      let duplicates = 0;
      for (const s of spans) {
        if (seen.has(s.record.requestId)) {
          duplicates += 1;
          continue;
        }
        seen.add(s.record.requestId);
        fresh.push({ line: null, record: s.record });
      }
      const batchId = `otlp:${sha256(raw).toString('hex').slice(0, 32)}`;
      for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
        await insertRequestLogs(db, { batchId, source: 'otlp' }, fresh.slice(i, i + INSERT_BATCH));
      }
      const rejected = parsed.results.filter((r) => !r.ok);
      deps.log.info(
        { batchId, accepted: fresh.length, duplicates, rejected: rejected.length },
        'broadcast spans ingested',
      );
      sendJson(res, 200, {
        ...(rejected.length > 0
          ? {
              partialSuccess: {
                rejectedSpans: String(rejected.length),
                errorMessage: `${rejected.length} span(s) without a generation id were skipped`,
              },
            }
          : {}),
        accepted: fresh.length,
        duplicates,
        errors: rejected.slice(0, MAX_LISTED_ERRORS).map((r) => ({ span: r.span, error: r.ok ? '' : r.error })),
      });
    },
  });
}
