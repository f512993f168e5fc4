/**
 * One pino logger for the process. Known secrets and anything that looks like a key or token are
 * masked in every line, on top of pino's path redaction. The service logs to stdout (the
 * twelve-factor way: the platform collects them); one-shot commands, whose stdout is their answer,
 * log to stderr. Lines are JSON, or human-readable through pino-pretty when that stream is a terminal.
 * @module
 */
import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import type PinoPretty from 'pino-pretty';
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

export type LogStream = 'stdout' | 'stderr';

type Flushable = DestinationStream & { flush?(cb?: (err?: Error | null) => void): void };

/** JSON lines for pipes and log collectors; pino-pretty's coloured lines for a person at a terminal. */
function logDestination(to: LogStream, isTTY: boolean): DestinationStream {
  const fd = to === 'stdout' ? 1 : 2;
  if (isTTY) {
    // Loaded only for a person at a terminal: a service's piped JSON never needs it (~15 ms at start-up).
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pretty({ destination: fd, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', sync: true });
  }
  // pino.destination flushes its buffer synchronously at process exit (pino's autoEnd).
  return pino.destination({ dest: fd, sync: false });
}

/**
 * Builds the logger; `destination` lets tests capture every line. Without one it writes to `to`
 * (default stderr, so a one-shot command's stdout stays its answer; the service passes `stdout`).
 */
export function createLogger(opts: {
  level: string;
  secrets?: readonly string[];
  destination?: DestinationStream;
  to?: LogStream;
}): Logger {
  const secrets = opts.secrets ?? [];
  const to = opts.to ?? 'stderr';
  const out =
    opts.destination ?? logDestination(to, Boolean((to === 'stdout' ? process.stdout : process.stderr).isTTY));
  const target: Flushable = out;
  const masking: Flushable = {
    write(line: string) {
      target.write(maskSecrets(line, secrets));
    },
    flush(cb?: (err?: Error | null) => void) {
      if (target.flush) target.flush(cb);
      else cb?.();
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
