import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../runtime/config';

/** A valid PAYLOAD_KEYS value (production needs one). */
const PAYLOAD = `test:${Buffer.alloc(32, 7).toString('base64')}`;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/amt24');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/amt24');
    expect(config.dataDir).toBe('/srv/amt24/.data');
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.taskQueue).toBe('amt24');
    expect(config.database.url).toBeUndefined();
    expect(config.mail.url).toBeUndefined();
    expect(config.api.port).toBe(3000);
    expect(config.auth.isDevSecret).toBe(true);
  });

  it('takes external servers from the environment', () => {
    const config = loadConfig(
      {
        TEMPORAL_ADDRESS: 'temporal.example:7233',
        DATABASE_URL: 'postgres://u:p@db.example:5432/amt24',
        SMTP_URL: 'smtp://relay.example:25',
        AUTH_SECRET: 'x'.repeat(40),
      },
      '/srv',
    );
    expect(config.temporal.address).toBe('temporal.example:7233');
    expect(config.temporal.uiUrl).toBeUndefined();
    expect(config.database.url).toBe('postgres://u:p@db.example:5432/amt24');
    expect(config.mail.url).toBe('smtp://relay.example:25');
    expect(config.auth.isDevSecret).toBe(false);
  });

  it('names every bad variable', () => {
    const problems = problemsOf({
      TEMPORAL_ADDRESS: 'http://localhost:7233',
      API_PORT: 'abc',
      DATABASE_URL: 'mysql://x@y/z',
      LOG_LEVEL: 'loud',
    });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('TEMPORAL_ADDRESS:'))).toContain('host:port');
    expect(problems.find((p) => p.startsWith('API_PORT:'))).toBeDefined();
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toBeDefined();
  });

  it('requires AUTH_SECRET, PARAMETER_KEY and PAYLOAD_KEYS in production and refuses a short secret', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'AUTH_SECRET: is required when NODE_ENV=production',
      'PARAMETER_KEY: is required when NODE_ENV=production',
      'PAYLOAD_KEYS: is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), PAYLOAD_KEYS: PAYLOAD })).toEqual([
      'PARAMETER_KEY: is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ AUTH_SECRET: 'short' })[0]).toMatch(/^AUTH_SECRET: must be at least 32 characters/);
  });

  it('takes AUTH_SECRET as a list, newest first, each entry long enough', () => {
    const [a, b] = ['a'.repeat(32), 'b'.repeat(32)];
    expect(loadConfig({ AUTH_SECRET: `${a}, ${b}` }).auth.secrets).toEqual([a, b]);
    expect(problemsOf({ AUTH_SECRET: `${a},short` })[0]).toMatch(/^AUTH_SECRET: must be at least 32 characters/);
    expect(problemsOf({ AUTH_SECRET: `${a},` })[0]).toMatch(/^AUTH_SECRET: must be at least 32 characters/);
  });

  it('offers demo sign-in only with DEMO_LOGIN=1, in production too', () => {
    const production = {
      NODE_ENV: 'production',
      AUTH_SECRET: 'x'.repeat(40),
      PARAMETER_KEY: 'k'.repeat(44),
      PAYLOAD_KEYS: PAYLOAD,
    };
    expect(loadConfig(production).auth.demoLogin).toBe('unset');
    expect(loadConfig({}).auth.demoLogin).toBe('unset');
    expect(loadConfig({ ...production, DEMO_LOGIN: '1' }).auth.demoLogin).toBe('on');
    expect(problemsOf({ DEMO_LOGIN: 'yes' })[0]).toMatch(/^DEMO_LOGIN: /);
  });

  it('takes the admission limits of submissions, defaulting far above normal load', () => {
    expect(loadConfig({}, '/srv').antragLimits).toEqual({ globalProSekunde: 500, mandantProSekunde: 200 });
    const config = loadConfig({ ANTRAG_LIMIT_GLOBAL_PRO_S: '50', ANTRAG_LIMIT_MANDANT_PRO_S: '5' }, '/srv');
    expect(config.antragLimits).toEqual({ globalProSekunde: 50, mandantProSekunde: 5 });
    expect(problemsOf({ ANTRAG_LIMIT_GLOBAL_PRO_S: '0', ANTRAG_LIMIT_MANDANT_PRO_S: 'viele' })).toEqual([
      'ANTRAG_LIMIT_GLOBAL_PRO_S: must be a whole number of at least 1',
      expect.stringMatching(/^ANTRAG_LIMIT_MANDANT_PRO_S: /),
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: '' }, '/srv').database.url).toBeUndefined();
  });

  it('stops a production process without PARAMETER_KEY with a message naming it', () => {
    for (const entry of ['app/api.ts', 'app/worker.ts']) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
        env: { PATH: process.env.PATH, NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status, entry).toBe(78);
      expect(result.stderr).toContain('PARAMETER_KEY: is required when NODE_ENV=production');
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('makes a process fail at start with a message naming the variable', () => {
    for (const entry of ['app/api.ts', 'app/worker.ts']) {
      const result = spawnSync(process.execPath, ['--import', 'tsx', entry], {
        env: { PATH: process.env.PATH, API_PORT: '70000', SMTP_URL: 'ftp://nope' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status, entry).toBe(78);
      expect(result.stderr).toContain('API_PORT:');
      expect(result.stderr).toContain('SMTP_URL: must start with smtp:// or smtps://');
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    }
  });
});
