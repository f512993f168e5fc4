/**
 * The only reader of `process.env` (and of `.env`). Every variable of the contract (§2) is
 * validated once at start; a bad value fails with one line naming the variable and the fix.
 * Secrets are wrapped in {@link Secret} so that logging the config cannot print them.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/** A secret value: `String(secret)` and `JSON.stringify(secret)` print only its last 4 characters. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The clear value, for the one place that sends it (an HTTP header, a login call). */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return `[secret …${this.#value.slice(-4)}]`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** `KEY_ACTIONS`: whether and how admins may disable, enable and limit keys from chat. */
const KEY_ACTION_MODES = ['off', 'confirm', 'two-person'] as const;
type KeyActionMode = (typeof KEY_ACTION_MODES)[number];
const SLACK_ID = /^slack:[UW][A-Z0-9]{2,}$/;
const DISCORD_ID = /^discord:\d{5,25}$/;

const secret = (hint: RegExp | null, fix: string) =>
  z
    .string()
    .trim()
    .min(1)
    .refine((v) => !/\s/.test(v), { message: `must not contain spaces; ${fix}` })
    .refine((v) => (hint ? hint.test(v) : true), { message: fix })
    .transform((v) => new Secret(v))
    .optional();
const httpUrl = (fix: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), { message: `must be an http(s) URL, ${fix}` });
const commaList = (item: RegExp | null, fix: string) =>
  z
    .string()
    .trim()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => (item ? list.every((s) => item.test(s)) : true), { message: fix });
const ianaZone = z
  .string()
  .trim()
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as UTC, Europe/Berlin or America/New_York' },
  );
const positiveInt = (max: number, fix: string) =>
  z.coerce
    .number()
    .int({ message: `must be a whole number; ${fix}` })
    .min(1, { message: `must be at least 1; ${fix}` })
    .max(max, { message: `must be at most ${max}; ${fix}` });

const schema = z.object({
  OPENROUTER_API_KEY: secret(
    /^sk-or-/,
    'expected an OpenRouter key starting with sk-or- (openrouter.ai/settings/keys)',
  ),
  OPENROUTER_MANAGEMENT_KEY: secret(
    /^sk-or-/,
    'expected an OpenRouter management key starting with sk-or- (openrouter.ai/settings/management-keys)',
  ),
  OPENROUTER_BASE_URL: httpUrl('e.g. https://openrouter.ai/api/v1').default('https://openrouter.ai/api/v1'),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v), {
      message: 'must be a postgres:// URL such as postgres://user:pass@host:5432/db, or unset for the embedded store',
    })
    .optional(),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  PORT: z.coerce
    .number()
    .int({ message: 'must be a whole number between 0 and 65535' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  SLACK_BOT_TOKEN: secret(/^xoxb-/, 'expected a bot token starting with xoxb- (Slack app → OAuth & Permissions)'),
  SLACK_SIGNING_SECRET: secret(null, 'copy it from Slack app → Basic Information → Signing Secret'),
  SLACK_APP_TOKEN: secret(/^xapp-/, 'expected an app-level token starting with xapp- (Slack app → Basic Information)'),
  SLACK_API_URL: httpUrl('e.g. https://slack.com/api/').default('https://slack.com/api/'),
  DISCORD_TOKEN: secret(null, 'copy it from the Discord developer portal → your application → Bot → Reset Token'),
  DISCORD_API_URL: httpUrl('e.g. https://discord.com/api (without /v10)')
    .refine((v) => !/\/v\d+\/?$/.test(v), { message: 'must not end with the API version; use https://discord.com/api' })
    .default('https://discord.com/api'),
  DISCORD_GUILD_ID: z
    .string()
    .trim()
    .regex(/^\d{5,25}$/, { message: 'must be a numeric Discord server id (Developer Mode → right-click → Copy ID)' })
    .optional(),
  BOT_ADMINS: commaList(
    new RegExp(`${SLACK_ID.source}|${DISCORD_ID.source}`),
    'must be a comma list of slack:U… or discord:1234… user ids',
  ).default([]),
  SLACK_ALLOWED_TEAMS: commaList(/^T[A-Z0-9]{2,}$/, 'must be a comma list of Slack team ids (T…)').default([]),
  SLACK_ALLOW_GUESTS: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === 'true' || v === 'false', { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .default(false),
  DISCORD_ALLOWED_GUILDS: commaList(/^\d{5,25}$/, 'must be a comma list of numeric Discord server ids').default([]),
  DIGEST_TIMEZONE: ianaZone.default('UTC'),
  INGEST_TOKEN: secret(null, 'any long random string, e.g. `openssl rand -hex 32`'),
  METRICS_TOKEN: secret(null, 'any long random string, e.g. `openssl rand -hex 32`'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  COMMAND_RATE_LIMIT: positiveInt(10_000, 'commands a user may run per minute').default(10),
  KEY_ACTIONS: z
    .enum(KEY_ACTION_MODES, { message: `must be one of ${KEY_ACTION_MODES.join(', ')}` })
    .default('confirm'),
  AUDIT_RETENTION_DAYS: positiveInt(36_500, 'days of audit rows to keep').default(90),
  DEDUP_RETENTION_HOURS: positiveInt(8_760, 'hours to remember handled event ids').default(48),
  SYNC_CREDITS_MINUTES: positiveInt(1440, 'minutes between credit snapshots').default(5),
  SYNC_ACTIVITY_MINUTES: positiveInt(1440, 'minutes between key and activity syncs').default(60),
  RUNAWAY_FLOOR_USD_PER_HOUR: z.coerce
    .number({ message: 'must be a number of USD per hour, e.g. 1 or 2.5' })
    .refine((v) => Number.isFinite(v) && v >= 0 && v <= 1e6, {
      message: 'must be between 0 and 1000000 (USD per hour)',
    })
    .default(1),
});

export type Config = Readonly<{
  openrouter: { apiKey?: Secret; managementKey?: Secret; baseUrl: string };
  databaseUrl?: Secret;
  dataDir: string;
  port: number;
  host: string;
  slack: {
    botToken?: Secret;
    signingSecret?: Secret;
    appToken?: Secret;
    apiUrl: string;
    allowedTeams: readonly string[];
    /** SLACK_ALLOW_GUESTS: restricted users (guests) may run commands. */
    allowGuests: boolean;
  };
  discord: { token?: Secret; apiUrl: string; guildId?: string; allowedGuilds: readonly string[] };
  admins: readonly string[];
  digestTimezone: string;
  ingestToken?: Secret;
  /** Guards GET /metrics and the details of GET /readyz. */
  metricsToken?: Secret;
  logLevel: (typeof LOG_LEVELS)[number];
  commandRateLimit: number;
  /** Key actions from chat: `off`, `confirm` (an admin, after a confirmation step) or `two-person`. */
  keyActions: KeyActionMode;
  auditRetentionDays: number;
  /** Hours `processed_events` rows are kept before the hourly prune. */
  dedupRetentionHours: number;
  syncCreditsMinutes: number;
  syncActivityMinutes: number;
  /** A key spending less than this (USD/hour) is never a runaway. */
  runawayFloorUsdPerHour: number;
}>;

/** Every key `loadConfig` reads, in `.env.example` order. */
export const CONFIG_KEYS = Object.keys(schema.shape) as readonly (keyof z.infer<typeof schema>)[];

function readDotenv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  return parseDotenv(readFileSync(path));
}

/**
 * Builds the frozen Config from an environment (default: `.env` overlaid by `process.env`).
 * Empty strings count as unset. Throws {@link ConfigError} with one line per bad variable.
 * @example loadConfig({ PORT: '8080' }).port // 8080
 */
export function loadConfig(
  env: Record<string, string | undefined> = { ...readDotenv('.env'), ...process.env },
): Config {
  const input: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `Invalid ${variable}: ${issue.message}. Fix it in the environment or .env (see .env.example).`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL ? new Secret(e.DATABASE_URL) : undefined;
  return Object.freeze({
    openrouter: {
      apiKey: e.OPENROUTER_API_KEY,
      managementKey: e.OPENROUTER_MANAGEMENT_KEY,
      baseUrl: e.OPENROUTER_BASE_URL,
    },
    ...(databaseUrl ? { databaseUrl } : {}),
    dataDir: e.DATA_DIR,
    port: e.PORT,
    host: e.HOST,
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      allowedTeams: e.SLACK_ALLOWED_TEAMS,
      allowGuests: e.SLACK_ALLOW_GUESTS,
    },
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
      allowedGuilds: e.DISCORD_ALLOWED_GUILDS,
    },
    admins: e.BOT_ADMINS,
    digestTimezone: e.DIGEST_TIMEZONE,
    ingestToken: e.INGEST_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    commandRateLimit: e.COMMAND_RATE_LIMIT,
    keyActions: e.KEY_ACTIONS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    dedupRetentionHours: e.DEDUP_RETENTION_HOURS,
    syncCreditsMinutes: e.SYNC_CREDITS_MINUTES,
    syncActivityMinutes: e.SYNC_ACTIVITY_MINUTES,
    runawayFloorUsdPerHour: e.RUNAWAY_FLOOR_USD_PER_HOUR,
  }) as Config;
}

/** Every secret in the config, in clear, so log and reply masking can find them verbatim. */
export function configSecrets(config: Config): string[] {
  return [
    config.openrouter.apiKey,
    config.openrouter.managementKey,
    config.databaseUrl,
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.discord.token,
    config.ingestToken,
    config.metricsToken,
  ]
    .filter((s): s is Secret => s instanceof Secret)
    .map((s) => s.reveal());
}
