// How the environment becomes the connection to Temporal (SDK envconfig): dev server, API key (Temporal Cloud), mTLS
// client certificates, TOML profiles, and the variable named when a setting cannot work.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../runtime/config';
import {
  connectionOptions,
  resolveTemporalConnection,
  TemporalConnectionError,
  type TemporalConnection,
} from '../../runtime/temporal-connection';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amt24-envconfig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
};
const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n');
const key = file('client.key', '-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n');
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIca\n-----END CERTIFICATE-----\n');

function problem(fn: () => unknown): TemporalConnectionError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemporalConnectionError) return err;
    throw err;
  }
  throw new Error('expected a TemporalConnectionError');
}

describe('Temporal connection from the environment', () => {
  it('names no server when nothing is set, so the dev server starts; a developer profile file is not read', () => {
    // ~/.config/temporalio/temporal.toml as `temporal config set` writes it: only an explicit request reads it.
    file('home/.config/temporalio/temporal.toml', '[profile.default]\naddress = "cloud.example:7233"\n');
    const c = resolveTemporalConnection({ HOME: path.join(dir, 'home') });
    expect(c).toEqual({ source: 'dev server', address: undefined, namespace: undefined, apiKey: undefined });
    expect(connectionOptions(c, '127.0.0.1:7233')).toEqual({ address: '127.0.0.1:7233' });
  });

  it('an API key (Temporal Cloud) turns TLS on', () => {
    const c = resolveTemporalConnection({
      TEMPORAL_ADDRESS: 'eu-central-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'amt24.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(c).toMatchObject({ namespace: 'amt24.a1b2c', apiKey: 'key-123', tls: true, source: 'TEMPORAL_ADDRESS' });
    expect(connectionOptions(c, c.address!)).toEqual({
      address: 'eu-central-1.aws.api.temporal.io:7233',
      apiKey: 'key-123',
      tls: true,
    });
  });

  it('client certificate, key, CA and server name (mTLS cluster) are read from their files', () => {
    const c = resolveTemporalConnection({
      TEMPORAL_ADDRESS: 'temporal.intern:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.sachsen.de',
    });
    const tls = c.tls as Exclude<TemporalConnection['tls'], boolean | undefined>;
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe(fs.readFileSync(cert, 'utf8'));
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe(fs.readFileSync(key, 'utf8'));
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toBe(fs.readFileSync(ca, 'utf8'));
    expect(tls.serverNameOverride).toBe('temporal.sachsen.de');
    expect(c.apiKey).toBeUndefined();
  });

  it('a profile of TEMPORAL_CONFIG_FILE, overridden by TEMPORAL_NAMESPACE; loadConfig takes it over', () => {
    const toml = file(
      'temporal.toml',
      '[profile.default]\naddress = "localhost:7233"\n\n' +
        `[profile.prod]\naddress = "temporal.prod:7233"\nnamespace = "amt24-prod"\n` +
        `[profile.prod.tls]\nclient_cert_path = "${cert}"\nclient_key_path = "${key}"\n` +
        '[profile.prod.grpc_meta]\nx-mandant = "sid"\n',
    );
    const prod = resolveTemporalConnection({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod' });
    expect(prod).toMatchObject({
      address: 'temporal.prod:7233',
      namespace: 'amt24-prod',
      metadata: { 'x-mandant': 'sid' },
      source: `profile prod of ${toml}`,
    });
    expect(typeof prod.tls === 'object' && prod.tls.clientCertPair).toBeTruthy();

    const config = loadConfig({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' });
    expect(config.temporal.address).toBe('temporal.prod:7233');
    expect(config.temporal.namespace).toBe('other');
    expect(config.temporal.uiUrl).toBeUndefined();
    // The default profile of the same file, and the namespace default.
    const dflt = loadConfig({ TEMPORAL_CONFIG_FILE: toml });
    expect([dflt.temporal.address, dflt.temporal.namespace]).toEqual(['localhost:7233', 'default']);
  });

  it('names the variable when a setting cannot work', () => {
    expect(problem(() => resolveTemporalConnection({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert })).variable).toBe(
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
    );
    expect(
      problem(() => resolveTemporalConnection({ TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'nope.key') })),
    ).toMatchObject({ variable: 'TEMPORAL_TLS_CLIENT_KEY_PATH', message: expect.stringContaining('nope.key') });
    const toml = file('only-default.toml', '[profile.default]\naddress = "localhost:7233"\n');
    expect(
      problem(() => resolveTemporalConnection({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'x' })),
    ).toMatchObject({ variable: 'TEMPORAL_PROFILE', message: expect.stringContaining("'x'") });
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPORAL_CONFIG_FILE: path.join(dir, 'missing.toml') })).toThrow(
      /TEMPORAL_CONFIG_FILE: .*missing\.toml does not exist/,
    );
  });
});
