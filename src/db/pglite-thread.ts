/**
 * Starts the embedded PGlite in a worker thread (pglite-worker.ts) and hands postgres.js sockets
 * that reach it through a MessagePort, so both stores are served by the same driver and PGlite's WASM
 * work never blocks the event loop that acknowledges chat commands.
 *
 * Why a worker thread and not `@electric-sql/pglite-socket` (the same idea over TCP, in a child
 * process or thread): that package pins exact peer versions of PGlite and of seven PGlite extensions
 * (0.2.17 wants PGlite 0.5.14 where we run 0.5.16), so npm refuses it without `--legacy-peer-deps`;
 * a MessagePort also skips the loopback TCP stack, and a thread shares the process (one RSS, one
 * Node runtime) where a child process would add a second Node of ~40 MB.
 * @module
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ToMain, ToWorker, WorkerInput } from './pglite-protocol.js';

export type { WorkerInput } from './pglite-protocol.js';

export interface PgliteThread {
  /** A new connection to the worker's PGlite, for postgres.js's `socket` option. */
  socket(): PortSocket;
  /** `dumpDataDir('none')` of the worker's PGlite. */
  dump(): Promise<Blob>;
  /** Closes PGlite (flushing it to disk) and ends the thread. */
  close(): Promise<void>;
}

/**
 * The part of `net.Socket` postgres.js uses when given a custom socket: write/end/destroy, the
 * data/error/close/drain events, and `readyState`.
 */
export class PortSocket extends EventEmitter {
  readyState: 'open' | 'closed' = 'open';

  constructor(
    readonly id: number,
    private readonly send: (message: ToWorker, transfer?: ArrayBuffer[]) => void,
  ) {
    super();
    send({ type: 'open', id });
  }

  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean {
    if (this.readyState !== 'open') {
      callback?.(new Error('the PGlite connection is closed'));
      return false;
    }
    // A copy: postgres.js reuses its write buffer. Writes of one tick (a pipeline of queries) go to the
    // worker as one message: a postMessage costs ~6 µs, and postgres.js writes several per query.
    this.pending.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    if (callback) this.callbacks.push(callback);
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
    return true;
  }

  private pending: Buffer[] = [];
  private callbacks: ((error?: Error | null) => void)[] = [];

  private flush(): void {
    if (this.pending.length === 0) return;
    const joined = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    const bytes = new Uint8Array(joined); // its own ArrayBuffer, exactly this long, to transfer
    if (this.readyState === 'open') this.send({ type: 'data', id: this.id, bytes }, [bytes.buffer as ArrayBuffer]);
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const cb of callbacks) cb(null);
  }

  end(chunk?: Uint8Array): this {
    if (this.readyState !== 'open') return this;
    if (chunk) this.write(chunk);
    this.flush();
    this.send({ type: 'close', id: this.id });
    return this;
  }

  destroy(): this {
    return this.end();
  }

  setKeepAlive(): this {
    return this;
  }

  pause(): this {
    return this;
  }

  resume(): this {
    return this;
  }

  /** From the worker. */
  deliver(bytes: ArrayBuffer): void {
    this.emit('data', Buffer.from(bytes));
  }

  /** From the worker, or when it died. */
  closed(error?: Error): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    if (error && this.listenerCount('error') > 0) this.emit('error', error);
    this.emit('close', Boolean(error));
  }
}

/**
 * PGlite's WASM runs on V8's baseline compiler (Liftoff) only. With V8's default tiering, TurboFan
 * recompiles PGlite's hot functions as it starts, and the thread stops answering for ~300 ms right
 * after PGlite is ready (measured: a setImmediate waits 257-360 ms; with Liftoff only, 0.5 ms). Liftoff
 * only also leaves out TurboFan's code: ~60 MB less resident. The bot's short queries run as fast
 * (300 catalog queries: 275 vs 307 ms warm, 283 vs 680 ms cold); a scan of 300,000 rows is ~1.3x
 * slower. Start-up to ready on PGlite: 1.8-2.0 s -> 1.2-1.5 s. V8 flags are per process, so this is
 * set where PGlite is about to start, before its module is compiled; nothing else here uses WASM
 * heavily (undici's HTTP parser is the only other module, and small).
 */
let liftoffOnly = false;
function useLiftoffOnly(): void {
  if (liftoffOnly) return;
  liftoffOnly = true;
  setFlagsFromString('--liftoff-only');
}

function spawn(input: WorkerInput): Worker {
  useLiftoffOnly();
  const transferList = input.loadDataDir ? [input.loadDataDir] : [];
  const built = new URL('./pglite-worker.js', import.meta.url);
  // The thread's own JS allocates little (message buffers): a small young generation keeps its V8 heap
  // from growing to the default (tens of MB) next to PGlite's WASM memory.
  const resourceLimits = { maxYoungGenerationSizeMb: 4 };
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData: input, transferList, resourceLimits });
  // Running from source (vitest, tsx): the worker is TypeScript, so it is loaded through tsx.
  const source = new URL('./pglite-worker.ts', import.meta.url).href;
  const tsx = tsxEsmApi();
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: input, transferList, resourceLimits });
}

/** tsx's ESM register API (`tsx/esm/api`, import condition), a dev dependency present when running from source. */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = exports['./esm/api']?.import.default;
  if (!entry) throw new Error('tsx has no ./esm/api export');
  return new URL(entry, pathToFileURL(manifest)).href;
}

export async function startPgliteThread(input: WorkerInput): Promise<PgliteThread> {
  const worker = spawn(input);
  const sockets = new Map<number, PortSocket>();
  const dumps = new Map<number, { resolve: (b: Blob) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | undefined;
  let resolveShut: () => void = () => {};
  const shut = new Promise<void>((resolve) => {
    resolveShut = resolve;
  });

  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => {
    if (!dead) worker.postMessage(message, transfer);
  };

  const die = (error: Error) => {
    if (dead) return;
    dead = error;
    for (const s of sockets.values()) s.closed(error);
    sockets.clear();
    for (const d of dumps.values()) d.reject(error);
    dumps.clear();
    resolveShut();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: ToMain) => {
      switch (message.type) {
        case 'ready':
          resolve();
          return;
        case 'failed':
          reject(new Error(message.message));
          return;
        case 'fatal':
          die(new Error(`PGlite failed: ${message.message}`));
          return;
        case 'data':
          sockets.get(message.id)?.deliver(message.bytes);
          return;
        case 'closed':
          sockets.get(message.id)?.closed();
          sockets.delete(message.id);
          return;
        case 'dumped':
          dumps.get(message.request)?.resolve(new Blob([message.data]));
          dumps.delete(message.request);
          return;
        case 'shut':
          resolveShut();
          return;
      }
    });
    worker.on('error', (error) => {
      reject(error);
      die(error);
    });
    worker.on('exit', (code) => {
      const error = new Error(`the PGlite thread exited (code ${code})`);
      reject(error);
      die(error);
    });
  });
  try {
    await ready;
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  return {
    socket() {
      const socket = new PortSocket(nextId++, send);
      // Later than a microtask: postgres.js attaches its listeners after awaiting this socket.
      if (dead) setImmediate(() => socket.closed(dead));
      else sockets.set(socket.id, socket);
      return socket;
    },
    dump() {
      if (dead) return Promise.reject(dead);
      const request = nextId++;
      return new Promise<Blob>((resolve, reject) => {
        dumps.set(request, { resolve, reject });
        send({ type: 'dump', request });
      });
    },
    async close() {
      if (!dead) {
        send({ type: 'shutdown' });
        await shut;
        die(new Error('the PGlite store is closed'));
      }
      await worker.terminate();
    },
  };
}
