// The JSON shapes of the lifecycle API answers the pages read (the API serialises Dates as ISO strings).
export interface LifecycleListItem {
  onlinedienstId: string;
  name: string;
  mandantId: string;
  prozesseigner: string;
  phase: string;
  recertification: boolean;
  releaseCheckState: string | null;
  mandanten: string[];
  endedAt: string | null;
}

export interface InboxTask {
  onlinedienstId: string;
  name: string;
  taskId: string;
  title: string;
  role: string;
  mandantId: string | null;
  phase: string;
  dueAt: string;
  reminders: number;
}

export interface RolloutTicketItem {
  workflowId: string;
  ticketId: string;
  onlinedienstId: string;
  mandantId: string;
  prozess: { name: string; version: string };
  formular: { name: string; version: string };
  status: string;
  assignee: string | null;
  requestedBy: string;
  requestedAt: string;
  slaState: string;
  slaElapsedMs: number;
  slaBreachAt: string | null;
}

export type { LifecycleView, OpenTaskView } from '../messages/onlinedienst';
