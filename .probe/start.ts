import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoSeed, DEMO_INFERENCE_KEY, DEMO_MANAGEMENT_KEY } from '../src/openrouter/simulator/seed.js';
import { startSimulator } from '../src/openrouter/simulator/server.js';
import { startFakeDiscord } from '../test/support/fake-discord.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { spawnService } from '../bench/lib/service.js';
const sim = await startSimulator({ seed: createDemoSeed(new Date()) });
const fakeSlack = await startFakeSlack();
const fakeDiscord = await startFakeDiscord({ refuseMessageContent: false });
const cwd = await mkdtemp(join(tmpdir(), 'probe-'));
const env: Record<string,string> = {
  OPENROUTER_BASE_URL: sim.url, OPENROUTER_API_KEY: DEMO_INFERENCE_KEY, OPENROUTER_MANAGEMENT_KEY: DEMO_MANAGEMENT_KEY,
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-bench-token', SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
  SLACK_API_URL: fakeSlack.apiUrl, DISCORD_TOKEN: 'fake.discord.bench-token', DISCORD_API_URL: fakeDiscord.apiUrl,
  DISCORD_GUILD_ID: fakeDiscord.guildId, DATA_DIR: join(cwd, 'data'), LOG_LEVEL: process.env.PLOG ?? 'info',
  ...(process.env.PURL ? { DATABASE_URL: process.env.PURL } : {}),
};
for (let i = 0; i < Number(process.env.N ?? 3); i++) {
  const s = await spawnService(env, { cwd });
  console.log('ready', Math.round(s.readyMs));
  if (process.env.TAIL) console.log(s.tail());
  await s.stop();
}
await sim.close(); await fakeSlack.close(); await fakeDiscord.close();
process.exit(0);
