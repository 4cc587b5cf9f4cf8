// Loads what the gate check looks at from the Mandant master data in PostgreSQL: the Onlinedienst's recorded
// activations and, for their Mandanten, Leistungen with their OE links, OEs with their Behördenkonto channel,
// Behördenkonten, Impressum, Logo and Datenschutzbeauftragte(r), in the shape of the pure gate check
// (domain/onlinedienst/gate-check.ts), which the lifecycle runs on it.
import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { GateActivation, GateMasterData, Kommunikationskanal } from '../../domain/onlinedienst/gate-check';
import { fehlendePflichtparameter } from '../../domain/formular/parameter';
import { massgeblicheVersion, versionAufStage } from './formular';

export interface GateData {
  activations: GateActivation[];
  data: GateMasterData;
}

export async function loadGateData(db: Kysely<Database>, onlinedienstId: string): Promise<GateData> {
  const rows = await db
    .selectFrom('aktivierung')
    .select(['id', 'mandant_id', 'leistung_id', 'oe_id'])
    .where('onlinedienst_id', '=', onlinedienstId)
    .where('status', '!=', 'deaktiviert')
    .orderBy('mandant_id')
    .execute();
  // The Prozessparameter the process declares as required; an Onlinedienst without a definition declares none. The
  // gate looks at the version on its way (on the Entwicklungssystem): in a change in Betrieb that is the new one.
  const version =
    (await versionAufStage(db, onlinedienstId, ['entwicklung', 'produktion'])) ??
    (await massgeblicheVersion(db, onlinedienstId));
  const gesetzt =
    version && rows.length > 0
      ? await db
          .selectFrom('prozessparameter')
          .select(['aktivierung_id', 'key'])
          .where(
            'aktivierung_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      : [];
  const activations = rows.map((r): GateActivation => {
    const activation: GateActivation = {
      mandantId: r.mandant_id,
      leistungId: r.leistung_id,
      zustaendigeStelleId: r.oe_id,
    };
    if (!version) return activation;
    const keys = gesetzt.filter((p) => p.aktivierung_id === r.id).map((p) => p.key);
    const fehlend = fehlendePflichtparameter(version.definition.prozess.parameter, keys);
    return fehlend.length > 0 ? { ...activation, fehlendeParameter: fehlend } : activation;
  });
  const mandantIds = [...new Set(activations.map((a) => a.mandantId))];
  const leistungIds = [...new Set(activations.map((a) => a.leistungId))];
  const oeIds = [...new Set(activations.map((a) => a.zustaendigeStelleId))];
  if (activations.length === 0)
    return { activations, data: { leistungen: [], organisationseinheiten: [], behoerdenkonten: [], mandanten: [] } };

  const [leistungen, links, oes, konten, mandanten] = await Promise.all([
    db.selectFrom('leistung').select(['id', 'name']).where('id', 'in', leistungIds).execute(),
    db.selectFrom('leistung_oe').select(['leistung_id', 'oe_id']).where('leistung_id', 'in', leistungIds).execute(),
    db
      .selectFrom('organisationseinheit')
      .select(['id', 'name', 'mandant_id', 'behoerdenkonto_id', 'email'])
      .where('id', 'in', oeIds)
      .execute(),
    db.selectFrom('behoerdenkonto').select(['id', 'mandant_id']).where('mandant_id', 'in', mandantIds).execute(),
    db
      .selectFrom('mandant')
      .select(['id', 'name', 'impressum', 'logo_url', 'datenschutzbeauftragte_r'])
      .where('id', 'in', mandantIds)
      .execute(),
  ]);
  return {
    activations,
    data: {
      leistungen: leistungen.map((l) => ({
        id: l.id,
        name: l.name,
        organisationseinheitIds: links.filter((k) => k.leistung_id === l.id).map((k) => k.oe_id),
      })),
      organisationseinheiten: oes.map((o) => {
        const kommunikation: Kommunikationskanal[] = [];
        if (o.behoerdenkonto_id) kommunikation.push({ typ: 'behoerdenkonto', behoerdenkontoId: o.behoerdenkonto_id });
        if (o.email) kommunikation.push({ typ: 'email', wert: o.email });
        return { id: o.id, name: o.name, mandantId: o.mandant_id, kommunikation };
      }),
      // A Behördenkonto row exists only while the account is in use; there is no inactive state in the schema.
      behoerdenkonten: konten.map((k) => ({ id: k.id, mandantId: k.mandant_id, aktiv: true })),
      mandanten: mandanten.map((m) => ({
        id: m.id,
        name: m.name,
        impressum: m.impressum,
        logo: m.logo_url,
        datenschutzbeauftragter: m.datenschutzbeauftragte_r
          ? { name: m.datenschutzbeauftragte_r.name, email: m.datenschutzbeauftragte_r.email }
          : null,
      })),
    },
  };
}
