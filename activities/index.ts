// Activities are built by a factory over their dependencies; workflows import only the type.
import type { ActivityDeps } from './deps';
import { createAntragActivities } from './antrag';
import { createLifecycleActivities } from './onlinedienst';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAntragActivities(deps),
    ...createLifecycleActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
