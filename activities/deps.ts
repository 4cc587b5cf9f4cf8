import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Mailer } from '../runtime/mailer';
import type { LinkKeys } from '../runtime/keys';
import type { Logger } from '../runtime/logger';
import type { EpayblAdapter } from '../integrations/epaybl/types';
import type { FitConnectSender } from '../integrations/fitconnect/client';

/** Everything activities talk to. The worker passes real clients; tests pass the same kinds pointed at test servers. */
export interface ActivityDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  log: Logger;
  /** Temporal client for activities that signal other workflows (release campaign fan-out). */
  temporal?: Client;
  epaybl?: EpayblAdapter;
  fitconnect?: FitConnectSender;
  /** Transferverzeichnisse of activations without their own absolute path live below this folder. */
  transferRoot?: string;
  /** Decrypts protected Prozessparameter. */
  parameterKey?: Buffer;
  /** Sign status links and payment back-links (the API verifies them with the same rings). */
  linkKeys?: LinkKeys;
  /** Where citizens reach the API (links in mails, back-links from the pay page). */
  publicBaseUrl?: string;
  awbEmail?: string;
  /** Alert the AWB when a Fachverfahren endpoint stays down longer than this (ms). */
  endpointAlertAfterMs?: number;
}

export function required<K extends keyof ActivityDeps>(deps: ActivityDeps, key: K): NonNullable<ActivityDeps[K]> {
  const value = deps[key];
  if (value === undefined || value === null) throw new Error(`activity dependency "${key}" is not configured`);
  return value as NonNullable<ActivityDeps[K]>;
}

/** A row an earlier step guarantees (the Antrag, its Zahlung); missing, the activity fails and its retry looks again. */
export function mustExist<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new Error(`${what} not found`);
  return row;
}
