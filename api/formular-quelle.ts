// Which form a page renders: the version an activation serves citizens, or a given version for the preview, read
// into the view the web form renders. Compiled views are kept per version: a version never changes once stored.
import { DEMO_DEFINITIONEN } from '../domain/formular/demo-definitionen';
import { definitionSchema } from '../domain/formular/format';
import { ansichtAus } from '../domain/formular-ansicht/aus-definition';
import type { FormularAnsicht } from '../domain/formular-ansicht/model';
import type { ApiDeps } from './deps';

const cache = new WeakMap<object, FormularAnsicht>();

export async function formularAnsicht(
  deps: ApiDeps,
  onlinedienstId: string,
  version?: string,
): Promise<FormularAnsicht | undefined> {
  const versions = [...(deps.formularDefinitionen ?? []), ...DEMO_DEFINITIONEN]
    .filter((d) => d.onlinedienstId === onlinedienstId)
    .sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
  const found = version ? versions.find((d) => d.version === version) : versions[0];
  if (!found) return undefined;
  let view = cache.get(found.definition);
  if (!view)
    cache.set(
      found.definition,
      (view = ansichtAus(onlinedienstId, found.version, definitionSchema.parse(found.definition))),
    );
  return view;
}
