// Who the bearer token belongs to.
import { currentUser } from '../auth';
import { apiRoute, json, router } from '../route';
import { userSchema } from '../schemas/user';

export const meRoute = apiRoute({
  method: 'get',
  path: '/me',
  tag: 'Anmeldung',
  roles: 'signed-in',
  summary: 'The signed-in user with roles and Mandanten',
  responses: { 200: json(userSchema, 'the user') },
});

export function meRoutes() {
  return router().openapi(meRoute, (c) => c.json(currentUser(c), 200));
}
