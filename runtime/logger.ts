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

/**
 * Stdout written in the background, for the API: with the default synchronous write every request waited for its
 * log line whenever the reader of stdout (container runtime, log shipper, a busy parent) let the pipe fill — up to
 * 0.6 ms a request in the profiles of docs/performance.md. Buffered lines are flushed synchronously on exit (pino
 * registers that); a SIGKILL loses at most what was buffered. A reader that never catches up costs at most
 * BACKGROUND_BUFFER bytes of memory; beyond that lines are dropped rather than held.
 */
const BACKGROUND_BUFFER = 16 * 1024 * 1024;
export function backgroundStdout(): DestinationStream {
  return pino.destination({ dest: 1, sync: false, maxLength: BACKGROUND_BUFFER });
}
