// Durations in configuration and Prozessparameter: "90d", "4h", "30m", "10s", "500ms". Pure: workflows use it too.
const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const DAUER = /^(\d+)(ms|s|m|h|d)$/;

export function dauerMs(value: string): number {
  const match = DAUER.exec(value.trim());
  if (!match) throw new Error(`not a duration: "${value}" (expected e.g. 90d, 4h, 30m, 10s, 500ms)`);
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}
