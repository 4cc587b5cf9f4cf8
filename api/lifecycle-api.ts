// What the lifecycle routes share: who may read lifecycles, the actor a workflow sees, and the durations passed to
// new workflows (short in tests).
import type { CampaignPolicy } from '../domain/release/campaign';
import type { Role as LifecycleRole } from '../domain/onlinedienst/phases';
import type { Actor } from '../domain/onlinedienst/task-catalog';
import type { LifecycleSettings } from '../messages/onlinedienst';
import type { CampaignSettings } from '../messages/release';
import type { User } from './auth';

export interface LifecycleApiSettings {
  lifecycle?: LifecycleSettings;
  campaign?: CampaignSettings;
  campaignPolicy?: CampaignPolicy;
}

/** Who may read lifecycles (each only as far as Mandant scoping lets them); the UI offers its pages to the same roles. */
export const LIFECYCLE_READERS: LifecycleRole[] = [
  'prozesseigner',
  'prozessmodellierer',
  'zertifizierer',
  'awb',
  'mandant-admin',
  'redaktion',
  'projektleitung',
  'testteam',
];

export function actorOf(user: User): Actor {
  return { id: user.id, roles: user.roles as LifecycleRole[], mandanten: user.mandanten };
}
