// Standalone FIT-Connect simulator for development and docker-compose:
//   tsx simulators/fitconnect/main.ts [port] [--sender-id ID --sender-secret S] [--subscriber-id ID
//     --subscriber-secret S] [--destination-id UUID] [--no-destination] [--host 127.0.0.1]
// Settings come from argv only (only runtime/config.ts reads the environment). Prints its configuration as JSON.
import { parseArgs } from 'node:util';
import { startFitConnectSimulator } from './server';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    'sender-id': { type: 'string' },
    'sender-secret': { type: 'string' },
    'subscriber-id': { type: 'string' },
    'subscriber-secret': { type: 'string' },
    'destination-id': { type: 'string' },
    'no-destination': { type: 'boolean', default: false },
  },
});

const port = Number(positionals[0] ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: main.ts [port]; "${positionals[0]}" is not a port`);
  process.exit(2);
}

function client(id: string | undefined, secret: string | undefined, role: string) {
  if (id === undefined && secret === undefined) return undefined;
  if (!id || !secret) {
    console.error(`--${role}-id and --${role}-secret go together`);
    process.exit(2);
  }
  return { clientId: id, clientSecret: secret };
}

const sender = client(values['sender-id'], values['sender-secret'], 'sender');
const subscriber = client(values['subscriber-id'], values['subscriber-secret'], 'subscriber');
const sim = await startFitConnectSimulator({
  port,
  host: values.host,
  ...(sender ? { sender } : {}),
  ...(subscriber ? { subscriber } : {}),
});
const destination = values['no-destination']
  ? undefined
  : await sim.createDestination(values['destination-id'] ? { destinationId: values['destination-id'] } : {});

console.log(
  JSON.stringify(
    {
      submissionApiUrl: sim.submissionApiUrl,
      tokenUrl: sim.tokenUrl,
      sender: sim.sender,
      subscriber: sim.subscriber,
      destination,
      control: `${sim.url}/__control`,
    },
    null,
    2,
  ),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
