/**
 * The reconcile queries: request logs in, the `/generation` lookup queue, and the report read
 * back in pages (so a million rows never sit in memory). Every function is `(db, params)`.
 * @module
 */
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { saveGeneration } from '../db/queries/generations.js';
import { excludedColumns } from '../db/queries/util.js';
import {
  generationLookups,
  generations,
  type NewRequestLogRow,
  type RequestLogSource,
  requestLogs,
} from '../db/schema.js';
import type { Generation } from '../openrouter/types.js';
import type { LogRecord } from './parse-logs.js';
import type {
  ActivityDayModel,
  BilledGeneration,
  LocalDayModel,
  LookupState,
  ReportRow,
  TagSpend,
} from './report/index.js';

/** Which rows a report covers: one ingested batch (a file, an HTTP body), or a time window. */
export type Scope = { batchId: string } | { from: Date; to: Date };

/** `db.execute` rows: postgres.js (both stores) answers an array-like result. */
const rowsOf = (result: unknown): Record<string, unknown>[] => [...(result as Record<string, unknown>[])];
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const FORBIDDEN = 'forbidden: ';

function scopeSql(scope: Scope): SQL {
  if ('batchId' in scope) return sql`r.batch_id = ${scope.batchId}`;
  return sql`coalesce(r.ts, r.ingested_at) >= ${scope.from.toISOString()}::timestamptz and coalesce(r.ts, r.ingested_at) < ${scope.to.toISOString()}::timestamptz`;
}

/** Stores parsed records of one batch and queues their ids for lookup. */
export async function insertRequestLogs(
  db: Db,
  batch: { batchId: string; source: RequestLogSource },
  records: readonly { line: number | null; record: LogRecord }[],
): Promise<void> {
  if (records.length === 0) return;
  const rows: NewRequestLogRow[] = records.map(({ line, record: r }) => ({
    requestId: r.requestId,
    source: batch.source,
    batchId: batch.batchId,
    lineNo: line,
    ts: r.timestamp,
    model: r.model,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    cost: r.cost,
    tag: r.tag,
    extra: Object.keys(r.extra).length > 0 ? r.extra : null,
  }));
  await db.insert(requestLogs).values(rows);
  await enqueueLookups(
    db,
    records.map((r) => r.record.requestId),
  );
}

/** Ids of `source` among `ids` already stored (Broadcast may deliver a span twice). */
export async function knownIds(db: Db, source: RequestLogSource, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = rowsOf(
    await db.execute(
      sql`select distinct request_id from request_logs where source = ${source} and request_id in (${list})`,
    ),
  );
  return new Set(rows.map((r) => String(r.request_id)));
}

export async function batchExists(db: Db, batchId: string): Promise<boolean> {
  const rows = await db
    .select({ id: requestLogs.id })
    .from(requestLogs)
    .where(eq(requestLogs.batchId, batchId))
    .limit(1);
  return rows.length > 0;
}

export async function deleteBatch(db: Db, batchId: string): Promise<void> {
  await db.delete(requestLogs).where(eq(requestLogs.batchId, batchId));
}

/**
 * Queues ids never queued before, due at once whatever the worker's clock; ids already cached in
 * `generations` are done at once.
 */
export async function enqueueLookups(db: Db, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const values = sql.join(
    unique.map((id) => sql`(${id})`),
    sql`, `,
  );
  await db.execute(sql`
    insert into generation_lookups (id, status, next_attempt_at)
    select v.id, case when g.id is null then 'queued' else 'done' end, 'epoch'::timestamptz
    from (values ${values}) as v(id) left join generations g on g.id = v.id
    on conflict (id) do nothing`);
}

export interface ClaimedLookup {
  id: string;
  attempts: number;
  /** When the id was first logged (its timestamp, else when it was ingested). */
  firstSeen: Date | null;
}

/**
 * Leases up to `limit` due lookups until `leaseUntil` (skipping rows other workers hold). A worker
 * that dies leaves its lease to expire, so only the lookups it had not finished are redone.
 */
export async function claimLookups(
  db: Db,
  params: { limit: number; now: Date; leaseUntil: Date },
): Promise<ClaimedLookup[]> {
  const rows = rowsOf(
    await db.execute(sql`
      update generation_lookups l
      set next_attempt_at = ${params.leaseUntil.toISOString()}::timestamptz, attempts = l.attempts + 1,
          updated_at = ${params.now.toISOString()}::timestamptz
      where l.id in (
        select id from generation_lookups
        where status = 'queued' and next_attempt_at <= ${params.now.toISOString()}::timestamptz
        order by next_attempt_at, id
        limit ${params.limit}
        for update skip locked)
      returning l.id, l.attempts,
        (select coalesce(min(r.ts), min(r.ingested_at)) from request_logs r where r.request_id = l.id) as first_seen`),
  );
  return rows.map((r) => ({
    id: String(r.id),
    attempts: Number(r.attempts),
    firstSeen: r.first_seen ? new Date(r.first_seen as string) : null,
  }));
}

/** Stores the published generation and closes the lookup. */
export async function completeLookup(db: Db, g: Generation, now: Date): Promise<void> {
  await saveGeneration(db, g, now);
  await db
    .update(generationLookups)
    .set({ status: 'done', lastError: null, updatedAt: now })
    .where(eq(generationLookups.id, g.id));
}

/** Stores many published generations and closes their lookups, in two statements. */
export async function completeLookups(db: Db, gens: readonly Generation[], now: Date): Promise<void> {
  if (gens.length === 0) return;
  const byId = new Map(gens.map((g) => [g.id, g]));
  const rows = [...byId.values()].map((g) => {
    const { raw, ...data } = g;
    const createdAt = new Date(g.createdAt);
    return {
      id: g.id,
      model: g.model,
      providerName: g.providerName,
      totalCost: g.totalCost,
      createdAt: Number.isNaN(createdAt.getTime()) ? null : createdAt,
      fetchedAt: now,
      data: data as unknown as Record<string, unknown>,
      raw,
    };
  });
  await db
    .insert(generations)
    .values(rows)
    .onConflictDoUpdate({ target: generations.id, set: excludedColumns(generations, ['id']) });
  await db
    .update(generationLookups)
    .set({ status: 'done', lastError: null, updatedAt: now })
    .where(inArray(generationLookups.id, [...byId.keys()]));
}

/** Closes many lookups as unknown to OpenRouter. */
export async function settleNotFound(db: Db, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(generationLookups)
    .set({ status: 'not_found', lastError: 'not found', updatedAt: now })
    .where(and(inArray(generationLookups.id, [...ids]), eq(generationLookups.status, 'queued')));
}

/** Closes a lookup without an answer: unknown to OpenRouter, another account's, or given up. */
export async function settleLookup(
  db: Db,
  params: { id: string; outcome: 'not_found' | 'other_account' | 'error'; message: string; now: Date },
): Promise<void> {
  await db
    .update(generationLookups)
    .set({
      status: params.outcome === 'error' ? 'error' : 'not_found',
      lastError: params.outcome === 'other_account' ? `${FORBIDDEN}${params.message}` : params.message,
      updatedAt: params.now,
    })
    .where(eq(generationLookups.id, params.id));
}

/** Puts a lookup back in the queue for `at` (404 lag, 429, a transient failure, or a released lease). */
export async function retryLookup(
  db: Db,
  params: { id: string; at: Date; now: Date; message?: string; refundAttempt?: boolean },
): Promise<void> {
  await db
    .update(generationLookups)
    .set({
      nextAttemptAt: params.at,
      updatedAt: params.now,
      ...(params.message !== undefined ? { lastError: params.message } : {}),
      ...(params.refundAttempt ? { attempts: sql`greatest(${generationLookups.attempts} - 1, 0)` } : {}),
    })
    .where(and(eq(generationLookups.id, params.id), eq(generationLookups.status, 'queued')));
}

/** Queued lookups: how many, and when the next one is due. */
export async function queueState(db: Db): Promise<{ queued: number; nextDue: Date | null }> {
  const [row] = rowsOf(
    await db.execute(
      sql`select count(*) as n, min(next_attempt_at) as next from generation_lookups where status = 'queued'`,
    ),
  );
  return { queued: Number(row?.n ?? 0), nextDue: row?.next ? new Date(row.next as string) : null };
}

function toBilled(data: Record<string, unknown>, totalCost: number, model: string): BilledGeneration {
  const n = (k: string) => num(data[k]);
  return {
    model: typeof data.model === 'string' ? data.model : model,
    router: typeof data.router === 'string' ? data.router : null,
    totalCost: n('totalCost') ?? totalCost,
    upstreamInferenceCost: n('upstreamInferenceCost'),
    cacheDiscount: n('cacheDiscount'),
    isByok: data.isByok === true,
    tokensPrompt: n('tokensPrompt'),
    tokensCompletion: n('tokensCompletion'),
    nativeTokensPrompt: n('nativeTokensPrompt'),
    nativeTokensCompletion: n('nativeTokensCompletion'),
    finishReason: typeof data.finishReason === 'string' ? data.finishReason : null,
    createdAt: typeof data.createdAt === 'string' ? data.createdAt : null,
  };
}

function toLookup(r: Record<string, unknown>): LookupState {
  if (r.g_id !== null && r.g_id !== undefined) {
    return {
      kind: 'found',
      generation: toBilled((r.g_data ?? {}) as Record<string, unknown>, Number(r.g_total_cost), String(r.g_model)),
    };
  }
  const message = typeof r.l_error === 'string' ? r.l_error : '';
  switch (r.l_status) {
    case 'not_found':
      return message.startsWith(FORBIDDEN)
        ? { kind: 'other_account', message: message.slice(FORBIDDEN.length) }
        : { kind: 'not_found' };
    case 'error':
      return { kind: 'failed', message: message || 'unknown error' };
    default:
      return { kind: 'pending' };
  }
}

/** A keyset cursor over (request_id, row id). */
export interface ReportCursor {
  requestId: string;
  id: number;
}

/**
 * One page of report rows ordered by (request_id, row id), so rows of one id are adjacent and
 * duplicates are found without holding earlier pages. Pass the returned cursor back for the next.
 */
export async function reportPage(
  db: Db,
  params: { scope: Scope; after?: ReportCursor; limit: number },
): Promise<{ rows: (ReportRow & { rowId: number })[]; next?: ReportCursor }> {
  const after = params.after
    ? sql`and r.request_id >= ${params.after.requestId} and (r.request_id > ${params.after.requestId} or r.id > ${params.after.id})`
    : sql``;
  const rows = rowsOf(
    await db.execute(sql`
      select r.id, r.request_id, r.line_no, r.source, r.ts, r.model, r.tokens_in, r.tokens_out, r.cost, r.tag,
        g.id as g_id, g.model as g_model, g.total_cost as g_total_cost, g.data as g_data,
        l.status as l_status, l.last_error as l_error
      from request_logs r
      left join generations g on g.id = r.request_id
      left join generation_lookups l on l.id = r.request_id
      where ${scopeSql(params.scope)} ${after}
      order by r.request_id, r.id
      limit ${params.limit}`),
  );
  const out = rows.map((r) => ({
    rowId: Number(r.id),
    requestId: String(r.request_id),
    line: num(r.line_no),
    source: String(r.source),
    timestamp: r.ts ? new Date(r.ts as string) : null,
    model: (r.model as string | null) ?? null,
    tokensIn: num(r.tokens_in),
    tokensOut: num(r.tokens_out),
    cost: num(r.cost),
    tag: (r.tag as string | null) ?? null,
    lookup: toLookup(r),
  }));
  const last = out.at(-1);
  return {
    rows: out,
    ...(last && out.length === params.limit ? { next: { requestId: last.requestId, id: last.rowId } } : {}),
  };
}

const LOCAL_ROWS = (scope: Scope) => sql`
  select r.request_id, r.cost, r.tag, coalesce(r.model, g.model, '(unknown)') as model,
    to_char(coalesce(r.ts, g.created_at, r.ingested_at) at time zone 'UTC', 'YYYY-MM-DD') as day,
    g.total_cost, row_number() over (partition by r.request_id order by r.id) as rn
  from request_logs r left join generations g on g.id = r.request_id
  where ${scopeSql(scope)}`;

/** Local totals per (UTC day, model): distinct ids, local cost of every row, billed cost of known ids. */
export async function localDayModelTotals(db: Db, scope: Scope): Promise<LocalDayModel[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select day, model, count(*) filter (where rn = 1) as requests, coalesce(sum(cost), 0) as local_cost,
        coalesce(sum(total_cost) filter (where rn = 1), 0) as billed_cost
      from (${LOCAL_ROWS(scope)}) x group by day, model order by day, model`),
  );
  return rows.map((r) => ({
    day: String(r.day),
    model: String(r.model),
    requests: Number(r.requests),
    localCost: Number(r.local_cost),
    billedCost: Number(r.billed_cost),
  }));
}

/** Synced account-wide activity per (day, model) for the given days. */
export async function activityDayModelTotals(
  db: Db,
  params: { from: string; to: string },
): Promise<ActivityDayModel[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select date::text as day, model, min(model_permaslug) as permaslug, sum(requests) as requests, sum(usage) as usage
      from activity_days where key_hash = '' and date >= ${params.from}::date and date <= ${params.to}::date
      group by date, model`),
  );
  return rows.map((r) => ({
    day: String(r.day),
    model: String(r.model),
    modelPermaslug: String(r.permaslug),
    requests: Number(r.requests),
    usage: Number(r.usage),
  }));
}

/** Spend by tag (largest first, at most `limit`; untagged rows as `tag: null`). */
export async function tagTotals(db: Db, params: { scope: Scope; limit?: number }): Promise<TagSpend[]> {
  const rows = rowsOf(
    await db.execute(sql`
      select tag, count(*) filter (where rn = 1) as requests, coalesce(sum(cost), 0) as local_cost,
        coalesce(sum(total_cost) filter (where rn = 1), 0) as billed_cost
      from (${LOCAL_ROWS(params.scope)}) x group by tag
      order by coalesce(sum(total_cost) filter (where rn = 1), 0) + coalesce(sum(cost), 0) desc, tag
      limit ${params.limit ?? 50}`),
  );
  return rows.map((r) => ({
    tag: (r.tag as string | null) ?? null,
    requests: Number(r.requests),
    localCost: Number(r.local_cost),
    billedCost: Number(r.billed_cost),
  }));
}

/**
 * For the digest's "by tag" section: spend per tag over [from, to), tagged rows only; empty when no
 * row in the window carries a tag (the digest then leaves the section out).
 */
export async function spendByTag(db: Db, params: { from: Date; to: Date; limit?: number }): Promise<TagSpend[]> {
  const all = await tagTotals(db, { scope: { from: params.from, to: params.to }, limit: (params.limit ?? 10) + 1 });
  return all.filter((t) => t.tag !== null).slice(0, params.limit ?? 10);
}
