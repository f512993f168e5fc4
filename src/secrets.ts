/**
 * Secret hygiene: every key or token is masked to its last 4 characters before it reaches a
 * reply, a log line or the audit table.
 * @module
 */

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-or-(?:v\d+-)?[A-Za-z0-9_-]{8,}/g, // OpenRouter keys (inference and management)
  /\bsk-[A-Za-z0-9_-]{20,}/g, // other provider keys pasted by mistake
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack bot/user tokens
  /\bxapp-[A-Za-z0-9-]{8,}/g, // Slack app-level tokens
  /\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b/g, // Discord bot tokens
  /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{12,}/gi, // Authorization headers
];

/** `sk-or-v1-abcd…wxyz` → `…wxyz`. */
function maskSecret(secret: string): string {
  return secret.length <= 4 ? '****' : `…${secret.slice(-4)}`;
}

/** Masks every secret-looking token in free text, plus any of the given known secrets. */
export function maskSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 8) out = out.split(secret).join(maskSecret(secret));
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match: string, prefix?: unknown) => {
      if (typeof prefix === 'string' && /^Bearer\s+$/i.test(prefix)) {
        return `${prefix}${maskSecret(match.slice(prefix.length))}`;
      }
      return maskSecret(match);
    });
  }
  return out;
}
