// The floors hold because lint says so: each kind of wrong import is refused by `npm run lint` (eslint.config.js).
// The sources below are linted as if they stood in the named folder; none of them exists on disk.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The project's own config, minus type information (the files are not on disk, so no TypeScript program knows them):
// the import rules need none.
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});

async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`lint could not parse ${filePath}: ${fatal.message}`);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the floors, enforced by lint', () => {
  it('domain/ is pure: no Node modules, no Temporal, no database, no floor above it', async () => {
    const found = await refusals(
      'domain/zz-wrong.ts',
      [
        "import fs from 'node:fs';",
        "import { Client } from '@temporalio/client';",
        "import { sql } from 'kysely';",
        "import { createDb } from '../db/client';",
        'export const x = [fs, Client, sql, createDb];',
      ].join('\n'),
    );
    expect(found.some((m) => m.includes("'node:fs'"))).toBe(true);
    expect(found.some((m) => m.includes("'@temporalio/client'"))).toBe(true);
    expect(found.some((m) => m.includes("'kysely'"))).toBe(true);
    expect(found.some((m) => m.includes("'../db/client'"))).toBe(true);
  }, 60_000);

  it('simulators/ import nothing of the clients or activities they test', async () => {
    const found = await refusals(
      'simulators/epaybl/zz-wrong.ts',
      [
        "import { EPAYBL_CODES } from '../../integrations/epaybl/types';",
        "import { createActivities } from '../../activities';",
        'export const x = [EPAYBL_CODES, createActivities];',
      ].join('\n'),
    );
    expect(found).toHaveLength(2);
    expect(found.every((m) => m.includes('shares no code with the client'))).toBe(true);
  }, 60_000);

  it('api/ and ui/ never import workflows/ (contracts come from messages/), nor a floor above them', async () => {
    const api = await refusals(
      'api/routes/zz-wrong.ts',
      [
        "import { onlinedienstLifecycleWorkflow } from '../../workflows/onlinedienst/workflow';",
        "import { createActivities } from '../../activities';",
        "import { uiRoutes } from '../../ui/app';",
        "import { lifecycleStateQuery } from '../../messages/onlinedienst';",
        'export const x = [onlinedienstLifecycleWorkflow, createActivities, uiRoutes, lifecycleStateQuery];',
      ].join('\n'),
    );
    expect(api).toHaveLength(3);
    const ui = await refusals(
      'ui/pages/zz-wrong.tsx',
      [
        "import { antragWorkflow } from '../../workflows/antrag/workflow';",
        "import { findAntrag } from '../../db/stores/antrag';",
        "import { antragSchema } from '../../api/schemas/antrag';",
        'export const x = [antragWorkflow, findAntrag, antragSchema];',
      ].join('\n'),
    );
    expect(ui).toHaveLength(2);
  }, 60_000);

  it('a lower floor never imports an upper one, and workflows import activities for their types only', async () => {
    expect(
      await refusals(
        'db/stores/zz-wrong.ts',
        "import { createApp } from '../../api/app';\nexport const x = createApp;",
      ),
    ).toHaveLength(1);
    const wf = await refusals(
      'workflows/zz-wrong.ts',
      [
        "import { createActivities } from '../activities';",
        "import type { Activities } from '../activities';",
        "import { findAntrag } from '../db/stores/antrag';",
        'export const x: [typeof createActivities, Activities | undefined, typeof findAntrag] = [createActivities, undefined, findAntrag];',
      ].join('\n'),
    );
    expect(wf).toHaveLength(2);
  }, 60_000);
});
