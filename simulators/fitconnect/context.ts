// What the request handlers share.
import type { Auth } from './auth';
import type { Callbacks } from './callbacks';
import type { EventLog } from './events';
import type { FitConnectState } from './state';

export interface Context {
  state: FitConnectState;
  auth: Auth;
  events: EventLog;
  callbacks: Callbacks;
  now: () => number;
}
