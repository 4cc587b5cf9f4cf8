// The app built in-process for unit tests, without servers: its database and Temporal client fail the test when
// touched, so a test proves its requests were answered before any handler ran (validation, the edge, static pages).
import type { ApiDeps } from '../../api/deps';
import { createLogger } from '../../runtime/logger';
import { deriveKeys } from '../../runtime/keys';

const untouchable = (name: string, what: string) =>
  new Proxy(
    {},
    {
      get: (_target, key) => {
        throw new Error(`${name}.${String(key)} was used: ${what}`);
      },
    },
  );

/** Dependencies for `createApp`; `what` says in the failure what a touched dependency means for this test. */
export function inProcessDeps(name: string, what: string): ApiDeps {
  return {
    db: untouchable('db', what) as ApiDeps['db'],
    temporal: untouchable('temporal', what) as ApiDeps['temporal'],
    log: createLogger('test', 'silent'),
    keys: deriveKeys([`${name}-test-secret-0123456789abcdef0123456789`]),
    namespace: 'default',
    taskQueue: `${name}-test`,
    publicBaseUrl: 'http://localhost',
    version: 'test',
    readiness: [],
  };
}
