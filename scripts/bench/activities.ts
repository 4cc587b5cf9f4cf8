// The benches' own activities, registered beside the production ones on a bench worker only.
export const benchActivities = {
  /** For the reference workflow of the benchmarks. */
  async noop(): Promise<void> {},
};

export type BenchActivities = typeof benchActivities;
