// One Temporal dev server, one PostgreSQL and one SMTP server for the whole run; the workflow code bundled once.
// Test files isolate themselves with their own database, task queue and workflow ids.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../runtime/config';
import { startMailServer } from '../runtime/mail-server';
import { startPostgres } from '../runtime/postgres';
import { startTemporal } from '../runtime/temporal-server';
import { bundleWorkflows } from '../worker/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    postgresAdminUrl: string;
    smtpUrl: string;
    mailViewUrl: string;
    workflowBundlePath: string;
    testDataDir: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const config = loadConfig();
  const testDataDir = path.resolve('.test-data', `run-${process.pid}`);
  fs.rmSync(testDataDir, { recursive: true, force: true });
  fs.mkdirSync(testDataDir, { recursive: true });
  fs.chmodSync(testDataDir, 0o755);

  const [temporal, postgres, mail, bundle] = await Promise.all([
    startTemporal({
      // Tests always run on their own dev server unless TEMPORAL_ADDRESS points at a server to use instead.
      address: config.temporal.address,
      namespace: config.temporal.namespace,
      cliPath: config.temporal.cliPath,
      cacheDir: config.temporal.cacheDir,
      envPath: config.temporal.searchPath,
    }),
    startPostgres({
      url: config.database.url,
      dataDir: path.join(testDataDir, 'postgres'),
      port: await freePort(),
      database: 'postgres',
    }),
    startMailServer({ dir: path.join(testDataDir, 'mail') }),
    bundleWorkflows(),
  ]);
  const workflowBundlePath = path.join(testDataDir, 'workflow-bundle.js');
  fs.writeFileSync(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  project.provide('postgresAdminUrl', postgres.url);
  project.provide('smtpUrl', mail.smtpUrl);
  project.provide('mailViewUrl', mail.viewUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('testDataDir', testDataDir);
  console.error(`[test setup] Temporal ${temporal.address}, PostgreSQL, SMTP ready in ${Math.round(performance.now() - started)} ms`);

  return async () => {
    await Promise.allSettled([temporal.stop(), postgres.stop(), mail.stop()]);
    fs.rmSync(testDataDir, { recursive: true, force: true });
  };
}
