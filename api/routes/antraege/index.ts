// Anträge: the citizen's submission and the authority's view and commands, under /api/antraege.
import type { ApiDeps } from '../../deps';
import { router } from '../../route';
import { behoerdeRoutes } from './behoerde';
import { einreichungRoutes } from './einreichung';

export function antraegeRoutes(deps: ApiDeps) {
  return router().route('/', einreichungRoutes(deps)).route('/', behoerdeRoutes(deps));
}
