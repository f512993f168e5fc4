/**
 * Exactly once across real OS processes: service processes (each with its own Postgres pool and
 * its own real Slack adapter) run the due digests against one database and one fake Slack at the
 * same time, and one process is killed (process.exit) between posting and recording. Counted is
 * what Slack received. Needs TEST_DATABASE_URL: an embedded PGlite cannot be shared by processes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { upsertActivity } from '../../src/db/queries/activity.js';
import { insertCreditSnapshot } from '../../src/db/queries/credits.js';
import { upsertSubscription } from '../../src/db/queries/subscriptions.js';
import { ALL_TABLES, digestDeliveries } from '../../src/db/schema.js';
import type { ActivityRow } from '../../src/openrouter/types.js';
import { runProcess } from '../support/cli.js';
import { POSTGRES_SKIP_REASON } from '../support/db.js';
import { type FakeSlack, startFakeSlack, TEAM_ID } from '../support/fake-slack.js';

const DB_URL = process.env.TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DUE = '2026-11-23T08:00:00Z';

/** One "service process": its own pool, its own Slack adapter; runs the scheduler's digest job and a direct run. */
const CHILD = `
const [root, dbUrl, slackApi, at, now, owner, mode] = process.argv.slice(2);
const imp = (p) => import(new URL(p, root).href);
const { createDb } = await imp('src/db/client.ts');
const { loadConfig } = await imp('src/config.ts');
const { createLogger } = await imp('src/logger.ts');
const { createMetrics } = await imp('src/metrics.ts');
const { createHttpServer } = await imp('src/http/server.ts');
const { createSlackAdapter } = await imp('src/adapters/slack/slack-adapter.ts');
const { createScheduler } = await imp('src/jobs/scheduler.ts');
const { runDueDigests } = await imp('src/jobs/digest-run.ts');
const db = await createDb({ databaseUrl: dbUrl, max: 3 });
const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-test', SLACK_SIGNING_SECRET: 'secret-0123456789', SLACK_API_URL: slackApi });
const log = createLogger({ level: 'silent' });
const metrics = createMetrics({ defaults: false });
const openrouter = { hasManagementKey: false, hasInferenceKey: false, listModels: async () => [] };
const services = { config, openrouter, store: { available: () => true, get: () => db }, log, metrics, now: () => new Date(now) };
const bot = { commands: [], runText: async () => ({}), runCommand: async () => ({}), lookupPastedIds: async () => [], pressButton: async () => ({}) };
const http = createHttpServer({ host: '127.0.0.1', port: 0, log });
const slack = createSlackAdapter(config, { bot, log, metrics, http, tuning: { webApiRetries: 0, perChannelIntervalMs: 1 } });
await slack.start();
const adapters = new Map([['slack', slack]]);
const hooks = mode === 'die-after-send' ? { afterSend: () => process.exit(137) } : undefined;
const direct = await runDueDigests({ services, adapters, at: new Date(at), owner, sync: false, hooks });
const scheduled = await createScheduler({ services, adapters, log, owner }).runNow('digests');
await slack.idle();
process.stdout.write(JSON.stringify({ direct: direct.results.map((r) => r.outcome), scheduled: scheduled.ran }));
await slack.stop();
await db.close();
process.exit(0);
`;

function runChild(args: { slackApi: string; at: string; now: string; owner: string; mode?: string }, script: string) {
  return runProcess(
    [
      '--import',
      'tsx',
      script,
      pathToFileURL(ROOT).href,
      childDbUrl,
      args.slackApi,
      args.at,
      args.now,
      args.owner,
      args.mode ?? '',
    ],
    {},
    { cwd: ROOT },
  );
}

function activity(date: string, model: string, usage: number): ActivityRow {
  return {
    date,
    model,
    modelPermaslug: model,
    endpointId: `${model}-ep`,
    providerName: 'Prov',
    usage,
    byokUsageInference: 0,
    requests: 2,
    promptTokens: 100,
    completionTokens: 10,
    reasoningTokens: 0,
  };
}

/**
 * This file's own store: a database of its own on TEST_DATABASE_URL's server (test files run in
 * parallel and truncate), else an in-memory PGlite.
 */
async function openTestDb(name: string): Promise<{ handle: DbHandle; url?: string }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const handle = await createDb({ memory: true });
    await migrate(handle);
    return { handle };
  }
  const url = new URL(base);
  const dbName = `${url.pathname.slice(1) || 'postgres'}_${name}`.replace(/\W/g, '_');
  const admin = await createDb({ databaseUrl: base, max: 2 });
  if (admin.kind === 'postgres') {
    await admin.raw.unsafe(`drop database if exists "${dbName}" with (force)`);
    await admin.raw.unsafe(`create database "${dbName}"`);
  }
  await admin.close();
  url.pathname = `/${dbName}`;
  const handle = await createDb({ databaseUrl: url.toString(), max: 4 });
  await migrate(handle);
  return { handle, url: url.toString() };
}

let childDbUrl = '';

describe.skipIf(!DB_URL)(
  `digest exactly once across OS processes (Postgres)${DB_URL ? '' : ` (${POSTGRES_SKIP_REASON})`}`,
  () => {
    let db: DbHandle;
    let fake: FakeSlack;
    let script: string;

    beforeAll(async () => {
      const opened = await openTestDb('digest_processes');
      db = opened.handle;
      childDbUrl = opened.url ?? '';
      script = join(mkdtempSync(join(tmpdir(), 'digest-child-')), 'service.mjs');
      writeFileSync(script, CHILD);
    });
    afterAll(async () => {
      await db?.close();
    });
    beforeEach(async () => {
      await db.db.execute(sql.raw(`truncate ${ALL_TABLES.join(', ')} restart identity cascade`));
      const rows: ActivityRow[] = [];
      for (let t = Date.parse('2026-11-01'); t < Date.parse('2026-11-23'); t += 86_400_000) {
        rows.push(activity(new Date(t).toISOString().slice(0, 10), 'openai/gpt-4.1', 3));
      }
      await upsertActivity(db.db, rows, '', new Date(DUE));
      await insertCreditSnapshot(db.db, { takenAt: new Date(DUE), totalCredits: 100, totalUsage: 20 });
      for (const channel of ['C0PROC1', 'C0PROC2']) {
        await upsertSubscription(db.db, {
          platform: 'slack',
          workspaceId: TEAM_ID,
          channelId: channel,
          weekday: 1,
          time: '09:00',
          timezone: 'Europe/Berlin',
          createdBy: 'slack:U1',
          now: new Date('2026-11-01T00:00:00Z'),
        });
      }
      fake = await startFakeSlack();
    });

    it('three service processes at once: one post per subscription and window', async () => {
      const now = '2026-11-23T08:01:00Z';
      const results = await Promise.all(
        ['svc-a', 'svc-b', 'svc-c'].map((owner) => runChild({ slackApi: fake.apiUrl, at: now, now, owner }, script)),
      );
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts.map((p) => p.body.channel).sort()).toEqual(['C0PROC1', 'C0PROC2']);
      const outcomes = results.flatMap((r) => (JSON.parse(r.stdout) as { direct: string[] }).direct);
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(2);
      const rows = await db.db.select().from(digestDeliveries);
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
      await fake.close();
    });

    it('a process killed between posting and recording: the next one takes over after the lease, no second message', async () => {
      const now = '2026-11-23T08:01:00Z';
      const dead = await runChild(
        { slackApi: fake.apiUrl, at: now, now, owner: 'doomed', mode: 'die-after-send' },
        script,
      );
      expect(dead.code).toBe(137);
      expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
      expect((await db.db.select().from(digestDeliveries)).map((r) => r.status)).toEqual(['claimed']);

      const early = await runChild(
        { slackApi: fake.apiUrl, at: now, now: '2026-11-23T08:05:00Z', owner: 'early' },
        script,
      );
      expect(JSON.parse(early.stdout).direct).toEqual(['not-claimed', 'sent']);
      const later = await runChild(
        { slackApi: fake.apiUrl, at: now, now: '2026-11-23T08:20:00Z', owner: 'later' },
        script,
      );
      expect(JSON.parse(later.stdout).direct).toEqual(['deduplicated']);
      const posts = fake.callsTo('chat.postMessage');
      expect(posts.map((p) => p.body.channel).sort()).toEqual(['C0PROC1', 'C0PROC2']);
      const rows = await db.db.select().from(digestDeliveries);
      expect(rows.map((r) => [r.status, r.claimedBy]).sort()).toEqual([
        ['sent', 'early'],
        ['sent', 'later'],
      ]);
      await fake.close();
    });
  },
);
