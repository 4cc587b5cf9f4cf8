// Which form a page renders: for an activation the version in production (the one citizens' Anträge are validated
// against), for the preview a given stored version, read into the view the web form renders. A view is kept per
// content hash: a stored version with the same hash never reads differently.
import { findVersion, versionAufStage, type FormularVersion } from '../db/stores/formular';
import { ansichtAus } from '../domain/formular-ansicht/aus-definition';
import type { FormularAnsicht } from '../domain/formular-ansicht/model';
import type { ApiDeps } from './deps';

const cache = new Map<string, FormularAnsicht>();

function ansicht(row: FormularVersion): FormularAnsicht {
  const key = `${row.onlinedienst_id}|${row.version}|${row.content_hash}`;
  let view = cache.get(key);
  if (!view) {
    view = ansichtAus(row.onlinedienst_id, row.version, row.definition);
    if (cache.size > 500) cache.clear();
    cache.set(key, view);
  }
  return view;
}

/** Without a version: the one in production. */
export async function formularAnsicht(
  deps: Pick<ApiDeps, 'db'>,
  onlinedienstId: string,
  version?: string,
): Promise<FormularAnsicht | undefined> {
  const row = version
    ? await findVersion(deps.db, onlinedienstId, version)
    : await versionAufStage(deps.db, onlinedienstId, ['produktion']);
  return row && ansicht(row);
}
