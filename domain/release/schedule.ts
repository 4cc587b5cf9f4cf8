// When a release campaign reminds and chases: a reminder before each deadline, then lateness notices after it.

export interface Step {
  at: number;
  kind: 'erinnerung' | 'ueberfaellig';
  dueAt: number;
  round: number;
}

/** Reminder before each deadline, then lateness notices after it; in time order. */
export function campaignSchedule(
  dueAts: readonly number[],
  createdAt: number,
  leadMs: number,
  intervalMs: number,
  maxLate: number,
): Step[] {
  const steps: Step[] = [];
  for (const dueAt of dueAts) {
    if (dueAt - leadMs > createdAt) steps.push({ at: dueAt - leadMs, kind: 'erinnerung', dueAt, round: 0 });
    for (let round = 1; round <= maxLate; round++)
      steps.push({ at: dueAt + (round - 1) * intervalMs, kind: 'ueberfaellig', dueAt, round });
  }
  return steps.sort((a, b) => a.at - b.at || a.dueAt - b.dueAt);
}
