/**
 * `credits-bot ask` while the service runs on the embedded store. PGlite in DATA_DIR belongs to one
 * process (see db/data-dir-lock.ts), so instead of refusing, `ask` sends its text to the running
 * service: once its HTTP server listens, the service writes DATA_DIR/credits-bot.service.json
 * (mode 0600: pid, host, loopback URL and a random token made at start) and answers
 * `POST /local/ask` only from a loopback address carrying that token. Whoever can read the file can
 * already open DATA_DIR; nobody else (another user, another host, a caller through a proxy to the
 * public port) can use the route. The file goes when the service stops; one left by a process that
 * died names a pid that is gone and is ignored.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Secret } from '../config.js';
import type { Logger } from '../logger.js';
import { bearerCheck } from './bearer.js';
import { type HttpServer, sendJson } from './server.js';

export const SERVICE_FILE = 'credits-bot.service.json';
export const LOCAL_ASK_PATH = '/local/ask';
/** Far above the command grammar's 4,000 characters; anything bigger is not a command. */
const MAX_BODY_BYTES = 16 * 1024;

interface ServiceEndpoint {
  pid: number;
  host: string;
  /** Loopback URL of the service's HTTP server. */
  url: string;
  token: string;
}

/** What `ask` prints and its exit code (0 answered, 1 could not answer, 2 input not understood). */
export interface LocalAnswer {
  output: string;
  code: 0 | 1 | 2;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A caller on this machine: a loopback address, or the very address the server was reached on. */
function isLocal(req: IncomingMessage): boolean {
  const addr = req.socket.remoteAddress ?? '';
  return (
    addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.') || addr === req.socket.localAddress
  );
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Registers `POST /local/ask` on `http` and, once `publish(url)` is called with the listening URL,
 * writes the service file. `remove()` deletes it (only if it is still ours).
 */
export function serveLocalAsk(
  http: HttpServer,
  deps: { dataDir: string; ask(text: string): Promise<LocalAnswer>; log: Logger },
): { publish(url: string): void; remove(): void } {
  const token = randomBytes(32).toString('base64url');
  const authorized = bearerCheck(new Secret(token));
  const path = join(deps.dataDir, SERVICE_FILE);
  let content: string | undefined;
  http.addRoute({
    method: 'POST',
    path: LOCAL_ASK_PATH,
    async handler(req, res) {
      if (!isLocal(req) || !authorized(req)) {
        sendJson(res, 403, { error: 'forbidden' });
        return;
      }
      const raw = await readBody(req);
      let text: unknown;
      try {
        text = raw === undefined ? undefined : (JSON.parse(raw) as { text?: unknown }).text;
      } catch {
        text = undefined;
      }
      if (typeof text !== 'string') {
        sendJson(res, 400, { error: 'expected {"text": "<command>"} under 16 KB' });
        return;
      }
      sendJson(res, 200, await deps.ask(text));
    },
  });
  return {
    publish(url) {
      const endpoint: ServiceEndpoint = { pid: process.pid, host: hostname(), url, token };
      content = `${JSON.stringify(endpoint)}\n`;
      try {
        mkdirSync(deps.dataDir, { recursive: true });
        const temp = `${path}.${process.pid}.tmp`;
        writeFileSync(temp, content, { mode: 0o600 });
        renameSync(temp, path);
      } catch (error) {
        deps.log.warn({ err: error }, '`credits-bot ask` cannot reach this service: the service file was not written');
      }
    },
    remove() {
      try {
        if (content !== undefined && readFileSync(path, 'utf8') === content) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}

/** The running service on this DATA_DIR, if one published itself and its pid is alive on this host. */
export function findLocalService(dataDir: string): ServiceEndpoint | undefined {
  try {
    const ep = JSON.parse(readFileSync(join(dataDir, SERVICE_FILE), 'utf8')) as Partial<ServiceEndpoint>;
    if (
      typeof ep.pid === 'number' &&
      ep.host === hostname() &&
      typeof ep.url === 'string' &&
      typeof ep.token === 'string' &&
      alive(ep.pid)
    ) {
      return { pid: ep.pid, host: ep.host, url: ep.url, token: ep.token };
    }
  } catch {
    // no service file, or not one we can read
  }
  return undefined;
}

/** Asks the running service; `undefined` when it cannot be reached (the caller then opens the store itself). */
export async function askLocalService(
  ep: ServiceEndpoint,
  text: string,
  timeoutMs = 60_000,
): Promise<LocalAnswer | undefined> {
  try {
    const res = await fetch(new URL(LOCAL_ASK_PATH, ep.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${ep.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as Partial<LocalAnswer>;
    if (typeof body.output !== 'string' || (body.code !== 0 && body.code !== 1 && body.code !== 2)) return undefined;
    return { output: body.output, code: body.code };
  } catch {
    return undefined;
  }
}
