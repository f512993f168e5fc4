/**
 * One pino logger for the process. Known secrets and anything that looks like a key or token are
 * masked in every line, on top of pino's path redaction.
 * @module
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { maskSecrets } from './secrets.js';

export type { Logger } from 'pino';

const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  'apiKey',
  'managementKey',
  'botToken',
  'appToken',
  'signingSecret',
  '*.token',
  '*.apiKey',
  '*.managementKey',
];

/** Builds the logger; `destination` lets tests capture every line. */
export function createLogger(opts: {
  level: string;
  secrets?: readonly string[];
  destination?: DestinationStream;
}): Logger {
  const secrets = opts.secrets ?? [];
  const out = opts.destination ?? pino.destination({ dest: 2, sync: false });
  const masking: DestinationStream = {
    write(line: string) {
      out.write(maskSecrets(line, secrets));
    },
  };
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'credits-bot' },
    },
    masking,
  );
}
