// Where the API and the worker find Temporal, PostgreSQL and SMTP: the configured ones, or those `npm start`
// brings up on their fixed local ports.
import type { Config } from './config';

export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.port}`;
}

export function databaseUrl(config: Config): string {
  return config.database.url ?? `postgres://amt24:amt24@127.0.0.1:${config.database.embeddedPort}/amt24`;
}

export function smtpUrl(config: Config): string {
  return config.mail.url ?? `smtp://127.0.0.1:${config.mail.embeddedPort}`;
}
