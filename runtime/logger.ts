import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

// A second line of defence: no code logs these on purpose (requests are logged by route pattern, never by path),
// but a field of this name in a logged object or error is censored rather than written.
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'token',
  'statusToken',
  'secret',
  'clientSecret',
  'password',
  'email',
  'antragsteller',
  'wert',
  'value_encrypted',
  'parameterKey',
];

export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

/** Structured JSON logs on stdout (or `destination`); every line carries the process role (api, worker, start). */
export function createLogger(role: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { role },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
