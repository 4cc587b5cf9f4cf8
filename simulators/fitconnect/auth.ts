// OAuth2 client credentials: the token endpoint, and the bearer check every API call makes.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, forbidden, readBody, sendJson } from './http';
import type { FitConnectState, Role } from './state';

export interface Caller {
  clientId: string;
  role: Role;
}

export class Auth {
  constructor(
    private readonly state: FitConnectState,
    private readonly tokenLifetimeSeconds: number,
    private readonly now: () => number,
  ) {}

  async handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const clientId = form.get('client_id') ?? '';
    const clientSecret = form.get('client_secret') ?? '';
    // Credentials go in the body (client_secret_post); FIT-Connect refuses HTTP Basic.
    if (/^Basic\b/i.test(req.headers.authorization ?? '')) {
      const description = 'send client_id and client_secret in the body (client_secret_post)';
      sendJson(res, 401, { error: 'invalid_client', error_description: description });
      return;
    }
    if (form.get('grant_type') !== 'client_credentials') {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
    const client = this.state.clients.get(clientId);
    if (!client || client.secret !== clientSecret) {
      sendJson(res, 401, { error: 'invalid_client' });
      return;
    }
    const accessToken = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.tokenLifetimeSeconds * 1000;
    this.state.tokens.set(accessToken, { clientId, role: client.role, expiresAt });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSeconds,
      scope: client.role === 'sender' ? 'send:region:DE' : 'subscribe:destination',
    });
  }

  authenticate(req: IncomingMessage): Caller {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = match ? this.state.tokens.get(match[1]!) : undefined;
    if (!token || token.expiresAt <= this.now()) throw new HttpProblem(401, 'Unauthorized', 'missing or expired token');
    return token;
  }

  requireRole(req: IncomingMessage, role: Role): Caller {
    const client = this.authenticate(req);
    if (client.role !== role) throw forbidden(`requires a ${role} client`);
    return client;
  }
}
