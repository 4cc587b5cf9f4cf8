import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../runtime/config';

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

  it('requires a real AUTH_SECRET in production and refuses a short one', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'AUTH_SECRET: is required when NODE_ENV=production',
      'PAYLOAD_KEYS: is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ AUTH_SECRET: 'short' })[0]).toMatch(/^AUTH_SECRET: must be at least 32 characters/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: '' }, '/srv').database.url).toBeUndefined();
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
