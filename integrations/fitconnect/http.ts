// The Submission API over fetch: OAuth2 client credentials (the token is reused until shortly before it expires),
// one timeout per request, and HTTP failures mapped to DeliveryError codes, retryable or not.
import { DeliveryError } from '../transfer/types';
import type { FitConnectClientConfig } from './contract';

export type ResolvedConfig = Required<Omit<FitConnectClientConfig, 'scope'>> & { scope?: string };

/** The documented prefix; current clients report `/v2` with the same shapes, so it is configurable. */
export const DEFAULT_API_PREFIX = '/v1';

export function unavailable(step: string, cause: unknown): DeliveryError {
  return new DeliveryError('endpoint-unavailable', `FIT-Connect ${step}: endpoint not reachable`, {
    retryable: true,
    cause,
  });
}

async function problemText(res: Response): Promise<string> {
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { detail?: string; title?: string; description?: string };
      return body.detail ?? body.description ?? body.title ?? text.slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  } catch {
    return '';
  }
}

export async function httpFailure(step: string, res: Response): Promise<DeliveryError> {
  const detail = await problemText(res);
  const message = `FIT-Connect ${step}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`;
  const status = res.status;
  if (status >= 500 || status === 429 || status === 408) {
    return new DeliveryError('endpoint-unavailable', message, { retryable: true, status });
  }
  if (status === 401 || status === 403) return new DeliveryError('auth-failed', message, { retryable: false, status });
  return new DeliveryError('protocol-error', message, { retryable: false, status });
}

export interface RequestOptions {
  body?: string | Uint8Array;
  contentType?: string;
  accept?: string;
  auth?: boolean;
  /** A path outside the versioned API (the JWKS under /.well-known). */
  unversioned?: boolean;
}

export class SubmissionApi {
  /** Base URL without trailing slash; also the issuer of the service's own event tokens. */
  readonly apiUrl: string;
  private readonly prefix: string;
  private token: { value: string; expiresAt: number } | undefined;

  constructor(private readonly config: ResolvedConfig) {
    this.apiUrl = config.submissionApiUrl.replace(/\/+$/, '');
    this.prefix = `/${config.apiPrefix.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  }

  /** OAuth2 client credentials; the token is reused until shortly before it expires. */
  async getAccessToken(): Promise<string> {
    const now = this.config.now();
    if (this.token && now < this.token.expiresAt) return this.token.value;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      ...(this.config.scope ? { scope: this.config.scope } : {}),
    });
    let res: Response;
    try {
      res = await this.config.fetch(this.config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.config.requestTimeoutMs),
      });
    } catch (err) {
      throw unavailable('token', err);
    }
    if (!res.ok) throw await httpFailure('token', res);
    const body = (await res.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) {
      throw new DeliveryError('protocol-error', 'FIT-Connect token: no access_token', { retryable: false });
    }
    const lifetimeMs = (body.expires_in ?? 300) * 1000;
    // Renew a little early so a token never expires between our check and the server's.
    this.token = { value: body.access_token, expiresAt: now + Math.max(lifetimeMs - 30_000, lifetimeMs / 2) };
    return body.access_token;
  }

  async request(step: string, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const auth = options.auth ?? true;
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
      if (options.contentType) headers['content-type'] = options.contentType;
      if (auth) headers.authorization = `Bearer ${await this.getAccessToken()}`;
      let res: Response;
      try {
        res = await this.config.fetch(`${this.apiUrl}${options.unversioned ? '' : this.prefix}${path}`, {
          method,
          headers,
          ...(options.body === undefined ? {} : { body: options.body }),
          signal: AbortSignal.timeout(this.config.requestTimeoutMs),
        });
      } catch (err) {
        throw unavailable(step, err);
      }
      // A token revoked or expired early: fetch a new one once, then give up.
      if (res.status === 401 && auth && attempt === 0) {
        this.token = undefined;
        await res.body?.cancel();
        continue;
      }
      return res;
    }
  }

  async json<T>(step: string, method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(step, method, path, options);
    if (!res.ok) throw await httpFailure(step, res);
    return (await res.json()) as T;
  }
}
