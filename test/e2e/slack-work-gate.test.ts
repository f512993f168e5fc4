/**
 * The work gate seen from Slack: the real Bolt app in HTTP mode acknowledges every command of a
 * burst even while the gate is full, and each answer still reaches its response_url once the work in
 * front of it is done. Slack's ack budget is 3 s; the answer may follow
 * (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defineCommand } from '../../src/commands/command.js';
import { createBot } from '../../src/commands/dispatch.js';
import { reply } from '../../src/core/reply.js';
import { createWorkGate, type WorkGate } from '../../src/core/work-gate.js';
import { type ChatCore, startChatCore } from '../support/chat-harness.js';
import { type FakeSlack, type SlackDriver, startFakeSlack } from '../support/fake-slack.js';
import { type SlackHttp, startSlackHttp } from '../support/slack-http.js';

const SIGNING_SECRET = 'test-signing-secret-0123456789';

let fake: FakeSlack;
let chat: ChatCore;
let slack: SlackHttp;
let driver: SlackDriver;
let gate: WorkGate;
/** Each started command waits here until the test lets it finish. */
const holds: (() => void)[] = [];

// `balance` that answers only when the test says so: the gate's one slot stays taken meanwhile.
const balance = defineCommand({
  name: 'balance',
  summary: 'held balance',
  usage: 'balance',
  examples: ['balance'],
  options: {},
  async run() {
    await new Promise<void>((resolve) => holds.push(resolve));
    return reply({ title: 'OpenRouter credits', summary: 'Balance $1.00' });
  },
});

beforeAll(async () => {
  fake = await startFakeSlack();
  chat = await startChatCore({
    env: {
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-test-token',
      SLACK_API_URL: fake.apiUrl,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      COMMAND_RATE_LIMIT: '1000',
    },
  });
  const { config, log, metrics, services } = chat.core;
  gate = createWorkGate({ concurrency: 1, leaseMs: 60_000 });
  const bot = createBot(services, [balance], {}, { workGate: gate });
  slack = await startSlackHttp(config, fake, { bot, log, metrics, markProcessed: async () => true });
  driver = slack.driver;
});

afterAll(async () => {
  for (const release of holds.splice(0)) release();
  await slack?.stop();
  await fake?.close();
  await chat?.close();
});

it('acknowledges a whole burst while the gate is full, then answers each command in turn', async () => {
  const acks = await Promise.all(Array.from({ length: 6 }, (_, i) => driver.command('', { userId: `UGATE${i}` })));
  expect(acks.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
  // One command runs (held), five wait behind it, and no answer has gone out yet.
  await fake.waitFor('response', () => holds.length === 1 && gate.waiting === 5);
  expect(gate.active).toBe(1);
  expect(fake.callsTo('response')).toHaveLength(0);
  // Let them through one at a time: each finished command lets exactly the next one start.
  for (let n = 1; n <= 6; n++) {
    holds.shift()?.();
    await fake.waitFor('response', (calls) => calls.length >= n);
    if (n < 6) await fake.waitFor('response', () => holds.length === 1);
  }
  const answered = acks.map((a) =>
    fake
      .visibleFrom(a.responseUrl)
      .map((m) => JSON.stringify(m))
      .join(''),
  );
  for (const text of answered) expect(text).toContain('Balance $1.00');
  expect(gate.active).toBe(0);
  expect(gate.waiting).toBe(0);
});
