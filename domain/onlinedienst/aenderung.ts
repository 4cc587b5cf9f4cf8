// A change in Betrieb — a recertification the yearly review or a release check asks for, a Rechtsänderung, a
// Mandant's Konfigurationsänderung — produces a new form+process version once the lifecycle carries
// `versionierteAenderung`: the Prototyp takes the new version onto the Entwicklungssystem, Test and Freigabe follow,
// the Zertifizierung (automatic for a Blaupause or a small change, the Zertifizierer for a large one), the
// Projektleitung's Freigabe and the AWB's transfer; the transfer is the switch, and Betrieb resumes on the new version.
// Until then the old version keeps serving citizens: Anträge use the version on the Produktivsystem.
import type { PhaseId } from './phases';
import type { Aenderung, LifecycleContext } from './task-template';

/** The context of a change decided now: unchanged for lifecycles without new versions (they recertify as before). */
export function aenderungBeginnt(
  ctx: LifecycleContext,
  anlass: Aenderung['anlass'],
  grund: string,
  vollePruefung: boolean,
): LifecycleContext {
  if (ctx.versionierteAenderung !== true) return ctx;
  return { ...ctx, aenderung: { anlass, grund, vollePruefung } };
}

/** Where a change that asks for a recertification leads: a new version starts in the Prototyp. */
export function aenderungsZiel(ctx: LifecycleContext): PhaseId {
  return ctx.aenderung ? 'prototyp' : 'zertifizierung';
}

/** Blaupause, or a small change not sent to the independent Zertifizierer: the automatic checks decide. */
export function automatischZertifiziert(ctx: LifecycleContext): boolean {
  const a = ctx.aenderung;
  if (!a) return ctx.blaupause === true;
  if (ctx.blaupause === true) return true;
  return !a.vollePruefung && a.umfang === 'klein';
}
