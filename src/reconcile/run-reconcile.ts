/**
 * `credits-bot reconcile <file>`: stream the file into the store, look the ids up, then read the
 * report back in pages. Memory stays bounded by the page and batch sizes, whatever the file size.
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { createModelIdentity, type ModelIndex } from '../openrouter/model-identity.js';
import type { OpenRouterClient } from '../openrouter/types.js';
import { createEnrichWorker, type DrainResult, type EnrichOptions } from './enrich.js';
import { formatFromPath, type LogFormat, type LogRecord, parseLogs, sniffFormat } from './parse-logs.js';
import {
  activityDayModelTotals,
  deleteBatch,
  insertRequestLogs,
  localDayModelTotals,
  type ReportCursor,
  reportPage,
  type Scope,
  tagTotals,
} from './queries.js';
import {
  addToSummary,
  classify,
  compareDays,
  csvHeader,
  csvMalformedRow,
  csvRow,
  type DayModelComparison,
  DEFAULT_TOLERANCES,
  dayModelTable,
  emptySummary,
  type Finding,
  formatFindingLine,
  formatMalformedLine,
  isDiscrepant,
  type ReconcileSummary,
  type ReportRow,
  summaryLines,
  type TagSpend,
  type Tolerances,
  tagTable,
} from './report/index.js';

const INSERT_BATCH = 1_000;
const PAGE = 1_000;

export interface ReportResult {
  summary: ReconcileSummary;
  days: DayModelComparison[];
  tags: TagSpend[];
}

/**
 * Classifies every row in scope, page by page, calling `onRow` for each; then the per-day and
 * per-tag totals. Rows of one id come together, so the second and later are marked duplicates.
 */
export async function buildReport(
  db: Db,
  scope: Scope,
  opts: {
    tolerances?: Tolerances;
    onRow?: (row: ReportRow, f: Finding) => void | Promise<void>;
    /** Model identity from `/models`, so a slug matches its permaslug (issue 12). */
    models?: ModelIndex;
  } = {},
): Promise<ReportResult> {
  const tol = opts.tolerances ?? DEFAULT_TOLERANCES;
  const summary = emptySummary();
  let after: ReportCursor | undefined;
  let prev: { id: string; line: number } | undefined;
  do {
    const page = await reportPage(db, { scope, limit: PAGE, ...(after ? { after } : {}) });
    for (const { rowId: _rowId, ...row } of page.rows) {
      const report: ReportRow = prev?.id === row.requestId ? { ...row, duplicateOfLine: prev.line } : row;
      if (prev?.id !== row.requestId) prev = { id: row.requestId, line: row.line ?? 0 };
      const f = classify(report, tol, opts.models);
      addToSummary(summary, report, f);
      await opts.onRow?.(report, f);
    }
    after = page.next;
  } while (after);
  const local = await localDayModelTotals(db, scope);
  const days = local.map((l) => l.day).sort();
  const activity =
    days.length > 0 ? await activityDayModelTotals(db, { from: days[0] as string, to: days.at(-1) as string }) : [];
  return { summary, days: compareDays(local, activity, tol), tags: await tagTotals(db, { scope }) };
}

export interface ReconcileDeps {
  db: Db;
  openrouter: Pick<OpenRouterClient, 'getGeneration'> & Partial<Pick<OpenRouterClient, 'listModels'>>;
  log?: Logger;
  now?: () => Date;
  enrich?: EnrichOptions;
  /** How long to wait for ids OpenRouter has not published yet. Default 60 s. */
  maxWaitMs?: number;
  tolerances?: Tolerances;
}

export interface ReconcileOptions {
  /** List matching requests too. */
  all?: boolean;
  /** Write the full table (every row, malformed lines included) to this CSV file. */
  out?: string;
  /** Stream the text here instead of returning it (a million-line report need not sit in memory). */
  write?: (text: string) => void;
  /** Bytes read of the file, then the lookup step, for a progress bar. */
  onProgress?: (done: number, total: number, step: string) => void;
}

export interface ReconcileFileResult {
  /** 0 reconciled (differences or not), 1 could not reconcile, 2 the input file could not be read. */
  exitCode: 0 | 1 | 2;
  /** The report; empty when `write` was given. */
  text: string;
  summary?: ReconcileSummary;
  lookups?: DrainResult;
}

async function fileFormat(path: string): Promise<LogFormat> {
  const known = formatFromPath(path);
  if (known) return known;
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
    return sniffFormat(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, 32);
}

function csvWriter(path: string): { write(text: string): Promise<void>; close(): Promise<void> } {
  const stream: WriteStream = createWriteStream(path);
  let failed: Error | undefined;
  stream.on('error', (error) => {
    failed = error;
  });
  return {
    async write(text) {
      if (failed) throw failed;
      if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failed) return reject(failed);
        stream.end(() => (failed ? reject(failed) : resolve()));
      }),
  };
}

/**
 * Reconciles one JSON-lines or CSV file. Running it again on the same content replaces the earlier
 * run's rows (the batch id is the content hash) instead of reporting them all as duplicates.
 */
/** The `/models` identity map, or none (the model check then falls back to comparing names) when it cannot load. */
async function modelIndex(deps: ReconcileDeps): Promise<ModelIndex | undefined> {
  const { listModels } = deps.openrouter;
  if (!listModels) return undefined;
  try {
    return await createModelIdentity({ listModels: listModels.bind(deps.openrouter) }).index({ budgetMs: 10_000 });
  } catch (error) {
    deps.log?.warn({ err: error }, 'reconcile: /models unavailable; comparing model names as written');
    return undefined;
  }
}

export async function reconcileFile(
  path: string,
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<ReconcileFileResult> {
  const chunks: string[] = [];
  const write = opts.write ?? ((text: string) => void chunks.push(text));
  const done = (exitCode: ReconcileFileResult['exitCode'], extra: Partial<ReconcileFileResult> = {}) => ({
    exitCode,
    text: chunks.join(''),
    ...extra,
  });

  let format: LogFormat;
  let batchId: string;
  try {
    format = await fileFormat(path);
    batchId = `file:${await fileHash(path)}`;
  } catch (error) {
    write(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`);
    return done(2);
  }
  const csv = opts.out ? csvWriter(opts.out) : undefined;
  try {
    await csv?.write(csvHeader());
    await deleteBatch(deps.db, batchId);

    let lines = 0;
    let malformed = 0;
    let pending: { line: number; record: LogRecord }[] = [];
    const flush = async () => {
      await insertRequestLogs(deps.db, { batchId, source: 'cli' }, pending);
      pending = [];
    };
    const stream = createReadStream(path);
    const size = opts.onProgress ? (await stat(path)).size : 0;
    for await (const result of parseLogs(stream, format)) {
      lines = result.line;
      if (opts.onProgress && lines % 500 === 0) opts.onProgress(stream.bytesRead, size, 'reading');
      if (result.ok) {
        pending.push({ line: result.line, record: result.record });
        if (pending.length >= INSERT_BATCH) await flush();
        continue;
      }
      malformed += 1;
      if (malformed === 1) write('Malformed lines (skipped):\n');
      write(`${formatMalformedLine(result.line, result.error)}\n`);
      await csv?.write(csvMalformedRow(result.line, result.error));
    }
    await flush();
    if (malformed > 0) write('\n');

    const worker = createEnrichWorker(
      {
        db: deps.db,
        openrouter: deps.openrouter,
        ...(deps.log ? { log: deps.log } : {}),
        ...(deps.now ? { now: deps.now } : {}),
      },
      deps.enrich,
    );
    opts.onProgress?.(size, size, 'looking the requests up on OpenRouter');
    const lookups = await worker.drain({ maxWaitMs: deps.maxWaitMs ?? 60_000 });

    let listed = 0;
    const models = await modelIndex(deps);
    const report = await buildReport(
      deps.db,
      { batchId },
      {
        ...(deps.tolerances ? { tolerances: deps.tolerances } : {}),
        ...(models ? { models } : {}),
        onRow: async (row, f) => {
          if (opts.all || isDiscrepant(f)) {
            if (listed === 0) write(opts.all ? 'Requests:\n' : 'Requests that differ from what OpenRouter billed:\n');
            listed += 1;
            write(`${formatFindingLine(row, f)}\n`);
          }
          await csv?.write(csvRow(row, f));
        },
      },
    );
    report.summary.malformed = malformed;
    const s = report.summary;
    if (listed === 0 && s.rows > 0) write('Every request matches what OpenRouter billed.\n');
    if (!opts.all && s.byStatus.match > 0) {
      write(
        `${listed > 0 ? '\n' : ''}Matching: ${s.byStatus.match.toLocaleString('en-US')} requests (--all lists them).\n`,
      );
    }
    if (report.days.length > 0)
      write(`\nBy UTC day and model (local logs vs synced OpenRouter activity):\n${dayModelTable(report.days)}\n`);
    if (report.tags.some((t) => t.tag !== null)) write(`\nSpend by tag:\n${tagTable(report.tags)}\n`);
    write(`\n${basename(path)}: ${lines.toLocaleString('en-US')} lines (${format}).\n${summaryLines(s).join('\n')}\n`);
    if (lookups.pending > 0) {
      write(
        `${lookups.pending.toLocaleString('en-US')} ids are not published by OpenRouter yet; run again later to finish them.\n`,
      );
    }
    if (opts.out) write(`Full table written to ${opts.out}.\n`);
    await csv?.close();
    return done(0, { summary: s, lookups });
  } catch (error) {
    await csv?.close().catch(() => {});
    throw error;
  }
}
