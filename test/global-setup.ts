// One Temporal dev server, one PostgreSQL and one SMTP server for the whole run; the workflow code bundled once.
// Test files isolate themselves with their own database, task queue and workflow ids.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../runtime/config';
import { freePort } from './harness/ports';
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
      temporary: true,
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
  console.error(
    `[test setup] Temporal ${temporal.address}, PostgreSQL, SMTP ready in ${Math.round(performance.now() - started)} ms`,
  );

  return async () => {
    await Promise.allSettled([temporal.stop(), postgres.stop(), mail.stop()]);
    fs.rmSync(testDataDir, { recursive: true, force: true });
  };
}
