// The pages of a form: one section per step with the error summary on top, the summary before sending, the
// page after "Zwischenspeichern". Every button posts the one form of the page; no script is needed.
import type { AbschnittAnsicht, FeldAnsicht, FormularAnsicht } from '../../domain/formular-ansicht/model';
import { ADRESSE_TEILE, formatEuro, type Fehler } from '../../domain/formular-ansicht/pruefung';
import { erfuellt, feldAnPfad, join, lies, type Bereich, type Daten } from '../../domain/formular-ansicht/werte';
import { formatDateTime } from '../format';
import { CsrfField, type Frame } from '../layout';
import { entwurfPfad, type Entwurf } from './daten';
import { fehlerZiel, Felder, feldId } from './felder';

/** The label of the field a data path answers, for the error summary ("Hund – Name"). */
function labelVon(formular: FormularAnsicht, abschnitt: AbschnittAnsicht, path: string): string {
  const teil = ADRESSE_TEILE.find((t) => path.endsWith(`.${t.key}`));
  const feld = feldAnPfad({ ...formular, abschnitte: [abschnitt] }, path);
  if (feld) return feld.label;
  if (teil) {
    const parent = feldAnPfad({ ...formular, abschnitte: [abschnitt] }, path.slice(0, -teil.key.length - 1));
    return parent ? `${parent.label} – ${teil.label}` : teil.label;
  }
  return path;
}

export interface FehlerEintrag {
  href: string;
  text: string;
}

export function Fehlerliste({ eintraege }: { eintraege: FehlerEintrag[] }) {
  if (eintraege.length === 0) return null;
  return (
    <div class="notice error" role="alert" aria-labelledby="fehler-titel" id="fehler" tabindex={-1}>
      <h2 id="fehler-titel">
        Bitte prüfen Sie {eintraege.length === 1 ? 'eine Angabe' : `${eintraege.length} Angaben`}
      </h2>
      <ul>
        {eintraege.map((e) => (
          <li>
            <a href={e.href}>{e.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function fehlerEintraege(formular: FormularAnsicht, abschnitt: AbschnittAnsicht, fehler: Fehler, base = '') {
  return Object.entries(fehler).map(([path, msg]) => ({
    href: `${base}#${fehlerZiel(feldAnPfad({ ...formular, abschnitte: [abschnitt] }, path), path)}`,
    text: `${labelVon(formular, abschnitt, path)}: ${msg}`,
  }));
}

export function Schritt({
  frame,
  token,
  entwurf,
  formular,
  schritte,
  n,
  daten,
  fehler,
  meldung,
}: {
  frame: Frame;
  token: string;
  entwurf: Entwurf;
  formular: FormularAnsicht;
  schritte: AbschnittAnsicht[];
  n: number;
  daten: Daten;
  fehler: Fehler;
  meldung?: string;
}) {
  const abschnitt = schritte[n]!;
  const pflicht = abschnitt.pflichtWenn !== undefined && erfuellt(abschnitt.pflichtWenn, daten);
  return (
    <>
      {entwurf.vorschau ? <Vorschau version={formular.version} /> : null}
      <p class="lead">
        Schritt {n + 1} von {schritte.length}: {abschnitt.titel}
      </p>
      <Fehlerliste eintraege={fehlerEintraege(formular, abschnitt, fehler)} />
      {meldung ? (
        <div class="notice ok" role="status">
          <p>{meldung}</p>
        </div>
      ) : null}
      <form
        class="stack"
        method="post"
        action={`${entwurfPfad(token)}/schritt/${n}`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField frame={frame} />
        <h2>{abschnitt.titel}</h2>
        {abschnitt.hilfe ? <p class="hint">{abschnitt.hilfe}</p> : null}
        <p class="hint">Pflichtangaben sind alle Felder ohne den Zusatz „(optional)“.</p>
        <Felder
          felder={abschnitt.felder}
          prefix=""
          defPrefix=""
          bereich={[]}
          k={{ daten, fehler, dateien: entwurf.dateien, abschnittPflicht: pflicht }}
        />
        <div>
          <button type="submit" name="aktion" value="weiter">
            {n + 1 < schritte.length ? 'Weiter' : 'Weiter zur Zusammenfassung'}
          </button>{' '}
          <button type="submit" class="secondary" name="aktion" value="aktualisieren">
            Angaben übernehmen und Seite aktualisieren
          </button>{' '}
          {n > 0 ? (
            <button type="submit" class="secondary" name="aktion" value="zurueck">
              Zurück
            </button>
          ) : null}{' '}
          <button type="submit" class="secondary" name="aktion" value="speichern">
            Zwischenspeichern
          </button>
        </div>
        <p class="hint">
          „Angaben übernehmen“ zeigt Felder, die von Ihren Antworten auf dieser Seite abhängen, und lädt gewählte
          Dateien hoch. Ihr Entwurf wird bei jedem Schritt gespeichert und ist bis {formatDateTime(entwurf.gueltigBis)}{' '}
          gültig.
        </p>
      </form>
    </>
  );
}

export function Vorschau({ version }: { version: string }) {
  return (
    <div class="notice" role="note">
      <p>
        <strong>Vorschau der Version {version}</strong> – so sehen Bürgerinnen und Bürger das Formular. Aus der Vorschau
        wird kein Antrag gestellt.
      </p>
    </div>
  );
}

function anzeige(feld: FeldAnsicht, v: unknown): string {
  if (v === undefined || v === null || v === '') return '–';
  if (feld.art === 'janein') return v === true ? 'Ja' : 'Nein';
  if (feld.art === 'betrag' && typeof v === 'number') return formatEuro(v);
  if (feld.art === 'datum' && typeof v === 'string') return v.split('-').reverse().join('.');
  if (feld.art === 'auswahl') {
    const list = Array.isArray(v) ? v : [v];
    return list.map((x) => feld.optionen?.find((o) => o.wert === x)?.label ?? String(x)).join(', ');
  }
  if (feld.art === 'adresse' && typeof v === 'object') {
    const a = v as Record<string, string>;
    return `${a.strasse ?? ''} ${a.hausnummer ?? ''}, ${a.plz ?? ''} ${a.ort ?? ''}`;
  }
  if (Array.isArray(v)) return v.join(', ');
  return `${String(v)}${feld.art === 'zahl' && feld.einheit ? ` ${feld.einheit}` : ''}`;
}

/** The answers of a section as a description list (groups nested), only what the answers show. */
export function Antworten({
  felder,
  daten,
  prefix,
  defPrefix,
  bereich,
}: {
  felder: FeldAnsicht[];
  daten: Daten;
  prefix: string;
  defPrefix: string;
  bereich: Bereich;
}) {
  return (
    <dl class="facts">
      {felder
        .filter((f) => erfuellt(f.sichtbarWenn, daten, bereich))
        .map((f) => {
          const path = join(prefix, f.key);
          const def = join(defPrefix, f.key);
          const v = lies(daten, path);
          if (f.art === 'gruppe' && f.wiederholbar) {
            const list = Array.isArray(v) ? v : [];
            return (
              <>
                <dt>{f.label}</dt>
                <dd>
                  {list.length === 0 ? '–' : null}
                  {list.map((_, i) => (
                    <Antworten
                      felder={f.felder ?? []}
                      daten={daten}
                      prefix={`${path}.${i}`}
                      defPrefix={def}
                      bereich={[...bereich, [def, `${path}.${i}`]]}
                    />
                  ))}
                </dd>
              </>
            );
          }
          if (f.art === 'gruppe')
            return (
              <>
                <dt>{f.label}</dt>
                <dd>
                  <Antworten felder={f.felder ?? []} daten={daten} prefix={path} defPrefix={def} bereich={bereich} />
                </dd>
              </>
            );
          return (
            <>
              <dt id={`${feldId(path)}-antwort`}>{f.label}</dt>
              <dd>{anzeige(f, v)}</dd>
            </>
          );
        })}
    </dl>
  );
}
