/**
 * The messages between the main thread and the PGlite worker thread (pglite-worker.ts).
 * @module
 */

/** What the worker is started with. */
export interface WorkerInput {
  /** On-disk data directory; absent: in memory. */
  dataDir?: string;
  /** A `dumpDataDir()` tarball to start from (tests). */
  loadDataDir?: ArrayBuffer;
  /** postgresql.conf lines PGlite applies at start (memory tuning). */
  postgresqlConf?: string;
  /** Bytes of WASM memory to start with (PGlite's floor is 128 MiB). */
  initialMemory?: number;
}

export type ToWorker =
  | { type: 'open'; id: number }
  | { type: 'data'; id: number; bytes: Uint8Array }
  | { type: 'close'; id: number }
  | { type: 'dump'; request: number }
  | { type: 'shutdown' };

export type ToMain =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'fatal'; message: string }
  | { type: 'data'; id: number; bytes: ArrayBuffer }
  | { type: 'closed'; id: number }
  | { type: 'dumped'; request: number; data: ArrayBuffer }
  | { type: 'shut' };
