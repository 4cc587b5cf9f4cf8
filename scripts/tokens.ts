// Prints bearer tokens for the demo users (development), signed with the bearer key the API derives from AUTH_SECRET.
import { demoUsers, signToken } from '../api/auth';
import { loadConfigOrExit } from '../runtime/config';
import { deriveKeys } from '../runtime/keys';

const config = loadConfigOrExit();
const keys = deriveKeys(config.auth.secrets);
for (const user of demoUsers) {
  const token = await signToken(keys.bearer, user, '30d');
  console.log(`# ${user.name} — roles: ${user.roles.join(', ')}; Mandanten: ${user.mandanten.join(', ') || '–'}`);
  console.log(`${user.id}=${token}\n`);
}
