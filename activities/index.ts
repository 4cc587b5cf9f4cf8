// Activities are built by a factory over their dependencies; workflows import only the type.
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { sendNotificationOnce, type NotificationInput } from './mail';
import { createAntragActivities } from './antrag';
import { createLifecycleActivities } from './onlinedienst';

export type { ActivityDeps } from './deps';

function workflowIdOf(info: ReturnType<typeof Context.current>['info']): string {
  return info.workflowExecution?.workflowId ?? 'standalone';
}

/** A key stable across retries of the same activity in the same workflow run chain. */
function activityKey(suffix?: string): string {
  const info = Context.current().info;
  return [workflowIdOf(info), info.activityId, suffix].filter(Boolean).join(':');
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createAntragActivities(deps),
    ...createLifecycleActivities(deps),

    async sendNotification(input: Omit<NotificationInput, 'idempotencyKey'> & { idempotencyKey?: string }) {
      return sendNotificationOnce(deps.db, deps.mailer, 'amt24.sachsen.de', {
        ...input,
        idempotencyKey: input.idempotencyKey ?? activityKey(),
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
