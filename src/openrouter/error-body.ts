/**
 * OpenRouter's error envelope, parsed leniently (reference §1.3, §8.3).
 * @module
 */
import { z } from 'zod';
import { lenientNumber } from './schemas.js';

const record = z.record(z.string(), z.unknown());

const errorInner = z.looseObject({
  code: lenientNumber.nullish(),
  message: z.string().nullish(),
  metadata: record.nullish(),
  error: z.unknown().optional(),
});
const errorEnvelope = z.looseObject({ error: z.unknown() });

export interface ParsedError {
  code: number | undefined;
  message: string | undefined;
  metadata: Record<string, unknown> | undefined;
}

/**
 * OpenRouter's error envelope `{error:{code,message,metadata?}}`, and the older doubly nested
 * `{error:{error:{message,code},code}}` (reference §8.3): the inner object wins where it has a value.
 */
export function parseErrorBody(body: unknown): ParsedError | null {
  const env = errorEnvelope.safeParse(body);
  if (!env.success) return null;
  const outer = errorInner.safeParse(env.data.error);
  if (!outer.success)
    return typeof env.data.error === 'string'
      ? { code: undefined, message: env.data.error, metadata: undefined }
      : null;
  const inner = outer.data.error === undefined ? undefined : errorInner.safeParse(outer.data.error);
  const nested = inner?.success ? inner.data : undefined;
  return {
    code: nested?.code ?? outer.data.code ?? undefined,
    message: nested?.message ?? outer.data.message ?? undefined,
    metadata: nested?.metadata ?? outer.data.metadata ?? undefined,
  };
}
