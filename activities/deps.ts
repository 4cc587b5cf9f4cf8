import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mailer } from '../runtime/mailer';
import type { Logger } from '../runtime/logger';

/** Everything activities talk to. The worker passes real clients; tests pass the same kinds pointed at test servers. */
export interface ActivityDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  log: Logger;
}
