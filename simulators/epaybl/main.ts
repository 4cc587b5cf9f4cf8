// Runs the ePayBL simulator on its own, e.g. for docker-compose or clicking through the pay page by hand:
//   tsx simulators/epaybl/main.ts --port 8089 [--host 0.0.0.0] [--state .data/epaybl.json]
//                                 [--latency-ms 200] [--settle-ms 1000] [--mandant 1610000000 ...]
// Settings come from argv only; the environment belongs to runtime/config.ts.
import { parseArgs } from 'node:util';
import { startEpayblSimulator } from './server';

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      'latency-ms': { type: 'string' },
      'settle-ms': { type: 'string' },
      mandant: { type: 'string', multiple: true },
    },
  });
  // A bare number is accepted as the port, so `main.ts 8089` works too.
  const sim = await startEpayblSimulator({
    port: intOption('port', values.port ?? positionals[0]) ?? 8089,
    host: values.host,
    statePath: values.state,
    latencyMs: intOption('latency-ms', values['latency-ms']),
    paypageSettleMs: intOption('settle-ms', values['settle-ms']),
    mandanten: values.mandant,
  });
  console.log(`ePayBL simulator listening on ${sim.url}`);
  console.log(`  SOAP endpoint  ${sim.soapUrl}`);
  console.log(`  pay page       ${sim.paypageUrl}`);
  console.log(`  control API    ${sim.url}/_sim/  (faults, calls, kassenzeichen[/<kz>[/zahlung|storno|…]], reset)`);

  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
