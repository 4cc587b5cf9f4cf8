import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; every line carries the process role (api, worker, start). */
export function createLogger(role: string, level: string): Logger {
  return pino({ level, base: { role }, timestamp: pino.stdTimeFunctions.isoTime });
}
