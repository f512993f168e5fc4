/**
 * A lean load generator for Slack HTTP mode: signed `/credits` form posts over a keep-alive
 * node:http agent (fetch costs the 2-core client more than the server it measures), every request
 * body and signature prepared before the clock starts, and a response_url sink that counts the
 * answers (long keep-alive, so no request races an idle-socket close).
 * @module
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlackRequest, slashCommandPayload } from '../../test/support/fake-slack.js';
import { pool } from './stats.js';

export interface ResponseSink {
  url: string;
  /** response_url posts received. */
  count(): number;
  /** The last body received (a sanity check that answers are real replies). */
  last(): string;
  close(): Promise<void>;
}

export async function startResponseSink(): Promise<ResponseSink> {
  let n = 0;
  let last = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n += 1;
      last = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    count: () => n,
    last: () => last,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SlackLoad {
  /** Sends `total` signed `/credits <text>` commands, `concurrency` in flight; ack latency per command (ms). */
  run(total: number, concurrency: number, offset?: number): Promise<{ ms: number[]; bad: number }>;
  close(): void;
}

export function createSlackLoad(opts: {
  eventsUrl: string;
  signingSecret: string;
  responseUrl: string;
  text?: string;
}): SlackLoad {
  const url = new URL(opts.eventsUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 200 });
  let seq = 0;
  const prepare = (user: number) => {
    seq += 1;
    const body = new URLSearchParams(
      slashCommandPayload({
        text: opts.text ?? '',
        userId: `UBENCH${String(user % 50).padStart(3, '0')}`,
        responseUrl: `${opts.responseUrl}/response/${seq}`,
        triggerId: `bench.${process.pid}.${seq}`,
      }),
    ).toString();
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
        ...signSlackRequest(opts.signingSecret, body),
      },
    };
  };
  const post = (r: ReturnType<typeof prepare>) =>
    new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: r.headers },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  return {
    async run(total, concurrency, offset = 0) {
      const prepared = Array.from({ length: total }, (_, i) => prepare(offset + i));
      const acks = await pool(total, concurrency, (i) => post(prepared[i] as ReturnType<typeof prepare>));
      return { ms: acks.map((a) => a.ms), bad: acks.filter((a) => a.status !== 200).length };
    },
    close: () => agent.destroy(),
  };
}
