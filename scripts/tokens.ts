// Prints bearer tokens for the demo users (development). Uses AUTH_SECRET like the API does.
import { demoUsers, signToken } from '../api/auth';
import { loadConfigOrExit } from '../runtime/config';

const config = loadConfigOrExit();
for (const user of demoUsers) {
  const token = await signToken(config.auth.secret, user, '30d');
  console.log(`# ${user.name} — roles: ${user.roles.join(', ')}; Mandanten: ${user.mandanten.join(', ') || '–'}`);
  console.log(`${user.id}=${token}\n`);
}
