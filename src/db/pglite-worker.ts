/**
 * The embedded PGlite, in its own worker thread so that its WASM work never runs on the event loop
 * that acknowledges Slack and Discord. It speaks the Postgres wire protocol: the main thread's
 * postgres.js writes frontend messages through a MessagePort (see pglite-thread.ts), this thread cuts
 * them into whole messages and hands each to `execProtocolRawStream`, as `@electric-sql/pglite-socket`
 * does over TCP, and posts the backend's bytes back.
 *
 * PGlite is one backend session, so messages run one at a time in arrival order. The main side opens
 * one connection; should another appear while a transaction is open, its messages wait until the
 * transaction ends (the rule pglite-socket's query queue follows).
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { ToMain, ToWorker, WorkerInput } from './pglite-protocol.js';

const CANCEL_REQUEST = 80_877_102;
const TERMINATE = 0x58; // 'X'

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs only as a worker thread');
const input = workerData as WorkerInput;
const post = (message: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

interface Connection {
  buffer: Buffer;
  started: boolean;
}

const connections = new Map<number, Connection>();
/** Connection whose transaction is open; the others wait (pglite-socket's rule). */
let owner: number | undefined;
const waiting: { id: number; messages: Buffer[] }[] = [];
let running = false;

async function open(): Promise<PGlite> {
  const options: PGliteOptions = {
    ...(input.loadDataDir ? { loadDataDir: new Blob([input.loadDataDir]) } : {}),
    ...(input.postgresqlConf ? { postgresqlconf: input.postgresqlConf } : {}),
    ...(input.initialMemory ? { initialMemory: input.initialMemory } : {}),
  };
  const db = input.dataDir ? new PGlite(input.dataDir, options) : new PGlite(options);
  await db.waitReady;
  return db;
}

/** Cuts whole frontend messages off the front of the connection's buffer. */
function takeMessages(conn: Connection): Buffer[] {
  const out: Buffer[] = [];
  let buf = conn.buffer;
  for (;;) {
    let length: number;
    if (!conn.started) {
      // StartupMessage / CancelRequest: Int32 length, Int32 code, no type byte.
      if (buf.length < 8) break;
      length = buf.readInt32BE(0);
    } else {
      if (buf.length < 5) break;
      length = 1 + buf.readInt32BE(1);
    }
    if (buf.length < length) break;
    out.push(buf.subarray(0, length));
    buf = buf.subarray(length);
    conn.started = true;
  }
  conn.buffer = buf;
  return out;
}

async function drain(db: PGlite): Promise<void> {
  if (running) return;
  running = true;
  // Replies of one pass go out as one message per connection (a postMessage costs ~6 µs): PGlite
  // runs each message without yielding to the event loop, so a pass holds what had arrived.
  const out = new Map<number, Uint8Array[]>();
  let passed = 0;
  const send = () => {
    for (const [id, chunks] of out) {
      if (chunks.length === 0) continue;
      const bytes = Buffer.concat(chunks);
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      post({ type: 'data', id, bytes: copy }, [copy]);
    }
    out.clear();
  };
  try {
    for (;;) {
      const index = owner === undefined ? 0 : waiting.findIndex((w) => w.id === owner);
      const next = index >= 0 ? waiting.splice(index, 1)[0] : undefined;
      if (!next) break;
      let chunks = out.get(next.id);
      if (!chunks) {
        chunks = [];
        out.set(next.id, chunks);
      }
      let closeAfter = false;
      for (const message of next.messages) {
        if (message.length === 16 && message.readInt32BE(4) === CANCEL_REQUEST) {
          closeAfter = true; // PGlite has no second backend to signal; the request is dropped
          break;
        }
        if (message[0] === TERMINATE && message.length === 5) {
          closeAfter = true;
          break;
        }
        const into = chunks;
        await db.execProtocolRawStream(new Uint8Array(message), { onRawData: (data) => into.push(data.slice()) });
      }
      owner = db.isInTransaction() ? next.id : undefined;
      if (closeAfter) {
        send();
        await closeConnection(db, next.id);
      } else if (++passed % 32 === 0) send(); // should messages keep arriving mid-pass, replies still go
    }
  } finally {
    send();
    running = false;
  }
}

async function closeConnection(db: PGlite, id: number): Promise<void> {
  if (!connections.delete(id)) return;
  for (let i = waiting.length - 1; i >= 0; i--) if (waiting[i]?.id === id) waiting.splice(i, 1);
  if (owner === id) {
    // A connection that left inside its transaction: roll it back, as a server does.
    if (db.isInTransaction()) await db.exec('rollback');
    owner = undefined;
  }
  post({ type: 'closed', id });
}

let db: PGlite;
try {
  db = await open();
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  throw error;
}

let queue: Promise<void> = Promise.resolve();
/** Everything that touches PGlite runs in arrival order on this one chain. */
const serially = (fn: () => Promise<void>) => {
  queue = queue.then(fn).catch((error: unknown) => {
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
  });
};

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'open':
      connections.set(message.id, { buffer: Buffer.alloc(0), started: false });
      return;
    case 'data': {
      const conn = connections.get(message.id);
      if (!conn) return;
      conn.buffer =
        conn.buffer.length === 0
          ? Buffer.from(message.bytes)
          : Buffer.concat([conn.buffer, Buffer.from(message.bytes)]);
      const messages = takeMessages(conn);
      if (messages.length === 0) return;
      waiting.push({ id: message.id, messages });
      serially(() => drain(db));
      return;
    }
    case 'close':
      // Closing the transaction's owner frees the connections that waited for it.
      serially(async () => {
        await closeConnection(db, message.id);
        await drain(db);
      });
      return;
    case 'dump':
      serially(async () => {
        const blob = await db.dumpDataDir('none');
        const buffer = await blob.arrayBuffer();
        post({ type: 'dumped', request: message.request, data: buffer }, [buffer]);
      });
      return;
    case 'shutdown':
      serially(async () => {
        if (!db.closed) await db.close();
        post({ type: 'shut' });
        port.close();
      });
      return;
  }
});

post({ type: 'ready' });
