/**
 * The demo's replies, byte for byte: `runDemo` (the simulator with its demo seed, the in-memory
 * store, one sync, the console adapter) at a fixed clock, fed the commands the banner suggests and a
 * few more, against the recorded transcript in test/fixtures/demo-transcript.txt. A refactor that
 * changes a reply fails here; an intended change re-records with `UPDATE_TRANSCRIPT=1 npx vitest run
 * test/e2e/demo-transcript.test.ts` and the fixture's diff is reviewed in its own commit.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo.js';
import { DEMO_GENERATION_IDS } from '../../src/openrouter/simulator/seed.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/demo-transcript.txt', import.meta.url));
const NOW = new Date('2026-11-18T10:00:00Z');

const COMMANDS = [
  'balance',
  'usage 30d by key',
  'usage last-week by provider',
  'usage today',
  `request ${DEMO_GENERATION_IDS.simple}`,
  `request ${DEMO_GENERATION_IDS.cacheDiscount}`,
  `request ${DEMO_GENERATION_IDS.byok}`,
  'explain 402',
  'explain 429',
  'estimate openai/gpt-4.1 12000 800',
  'alert list',
  'digest list',
  'help',
  'usage 30d by colour',
  'exit',
];

async function transcript(): Promise<string> {
  const input = new PassThrough();
  let out = '';
  const output = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  input.end(`${COMMANDS.join('\n')}\n`);
  const code = await runDemo({ now: () => NOW, input, output });
  expect(code).toBe(0);
  return out;
}

describe('demo transcript', () => {
  it('answers the demo commands exactly as recorded', async () => {
    const actual = await transcript();
    if (process.env.UPDATE_TRANSCRIPT === '1') {
      await writeFile(FIXTURE, actual);
      return;
    }
    const expected = await readFile(FIXTURE, 'utf8');
    expect(actual).toBe(expected);
  }, 60_000);

  it('is deterministic: two runs at the same clock print the same bytes', async () => {
    const [a, b] = [await transcript(), await transcript()];
    expect(a).toBe(b);
    expect(a).toContain('credits> ');
  }, 60_000);
});
