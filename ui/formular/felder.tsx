// The fields of one section as HTML: a label for every input, help and error tied to it by aria-describedby,
// radio and checkbox groups as fieldsets with a legend, repeatable groups with buttons to add and remove entries
// (no script: each button posts the page and it is rendered again). Conditions are evaluated on the answers so
// far, so a field that depends on an answer on this page appears after "Weiter" or "Aktualisieren".
import type { Child } from 'hono/jsx';
import type { FeldAnsicht } from '../../domain/formular-ansicht/model';
import { ADRESSE_TEILE, formatEuro, type Fehler } from '../../domain/formular-ansicht/pruefung';
import {
  eintraege,
  erfuellt,
  istPflicht,
  join,
  lies,
  type Bereich,
  type Daten,
} from '../../domain/formular-ansicht/werte';
import type { EntwurfDatei } from '../../domain/formular-ansicht/model';

export const feldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Where an error in the summary links to: the input itself, or a group's first option. */
export function fehlerZiel(feld: FeldAnsicht | undefined, path: string): string {
  if (
    feld &&
    (feld.art === 'janein' || feld.art === 'auswahl') &&
    (feld.art === 'janein' || feld.mehrfach || (feld.optionen?.length ?? 0) <= 6)
  )
    return `${feldId(path)}-0`;
  return feldId(path);
}

const DATEITYP_NAMEN: Record<string, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG' };

export interface FeldKontext {
  daten: Daten;
  fehler: Fehler;
  dateien: Omit<EntwurfDatei, 'inhaltBase64'>[];
  /** every field of the section is required (a section's condition) */
  abschnittPflicht: boolean;
}

function text(v: unknown, feld: FeldAnsicht): string {
  if (v === undefined || v === null) return '';
  if (feld.art === 'betrag' && typeof v === 'number') return formatEuro(v).replace(' €', '');
  return String(v);
}

function Beschreibung({ id, hinweis, fehler }: { id: string; hinweis?: string; fehler?: string }) {
  return (
    <>
      {hinweis ? (
        <span class="hint" id={`${id}-hinweis`}>
          {hinweis}
        </span>
      ) : null}
      {fehler ? (
        <span class="error-text" id={`${id}-fehler`}>
          Fehler: {fehler}
        </span>
      ) : null}
    </>
  );
}

const describedBy = (id: string, hinweis?: string, fehler?: string) =>
  [hinweis ? `${id}-hinweis` : '', fehler ? `${id}-fehler` : ''].filter(Boolean).join(' ') || undefined;

function hinweisVon(feld: FeldAnsicht): string | undefined {
  const extra: string[] = [];
  if (feld.art === 'datum') extra.push('Datum (TT.MM.JJJJ).');
  if (feld.art === 'betrag') extra.push('Betrag in Euro, z. B. 30,50.');
  if (feld.art === 'zahl' && feld.einheit) extra.push(`In ${feld.einheit}.`);
  if (feld.art === 'iban') extra.push('z. B. DE02 1203 0000 0000 2020 51');
  if (feld.art === 'datei') {
    const typen = (feld.dateitypen ?? []).map((t) => DATEITYP_NAMEN[t] ?? t).join(', ');
    const mib = feld.maxBytes
      ? `, höchstens ${(feld.maxBytes / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 })} MiB`
      : '';
    extra.push(`Erlaubt: ${typen}${mib}${(feld.maxDateien ?? 1) > 1 ? `, bis zu ${feld.maxDateien} Dateien` : ''}.`);
  }
  const all = [feld.hilfe, ...extra].filter(Boolean).join(' ');
  return all || undefined;
}

export function Felder({
  felder,
  prefix,
  defPrefix,
  bereich,
  k,
}: {
  felder: FeldAnsicht[];
  prefix: string;
  defPrefix: string;
  bereich: Bereich;
  k: FeldKontext;
}) {
  return (
    <>
      {felder
        .filter((f) => erfuellt(f.sichtbarWenn, k.daten, bereich))
        .map((f) => (
          <Feld feld={f} path={join(prefix, f.key)} def={join(defPrefix, f.key)} bereich={bereich} k={k} />
        ))}
    </>
  );
}

function Feld({
  feld,
  path,
  def,
  bereich,
  k,
}: {
  feld: FeldAnsicht;
  path: string;
  def: string;
  bereich: Bereich;
  k: FeldKontext;
}): Child {
  const id = feldId(path);
  const pflicht = k.abschnittPflicht || istPflicht(feld, k.daten, bereich);
  const label = `${feld.label}${pflicht ? '' : ' (optional)'}`;
  const fehler = k.fehler[path];
  const hinweis = hinweisVon(feld);
  const v = lies(k.daten, path);
  const invalid = fehler ? 'true' : undefined;

  if (feld.art === 'gruppe' && feld.wiederholbar) {
    const n = eintraege(feld, k.daten, path);
    return (
      <fieldset id={id} aria-describedby={describedBy(id, feld.hilfe, fehler)}>
        <legend>{label}</legend>
        <Beschreibung id={id} hinweis={feld.hilfe} fehler={fehler} />
        <input type="hidden" name={`${path}.#`} value={String(n)} />
        {Array.from({ length: n }, (_, i) => (
          <fieldset>
            <legend>
              {feld.label}: Eintrag {i + 1}
            </legend>
            <Felder
              felder={feld.felder ?? []}
              prefix={`${path}.${i}`}
              defPrefix={def}
              bereich={[...bereich, [def, `${path}.${i}`]]}
              k={k}
            />
            {n > feld.wiederholbar!.min && n > 1 ? (
              <button type="submit" class="secondary" name="aktion" value={`entfernen:${path}:${i}`}>
                Eintrag {i + 1} entfernen
              </button>
            ) : null}
          </fieldset>
        ))}
        {n < feld.wiederholbar.max ? (
          <button type="submit" class="secondary" name="aktion" value={`hinzufuegen:${path}`}>
            Weiteren Eintrag hinzufügen
          </button>
        ) : null}
      </fieldset>
    );
  }
  if (feld.art === 'gruppe') {
    return (
      <fieldset id={id}>
        <legend>{label}</legend>
        {feld.hilfe ? <span class="hint">{feld.hilfe}</span> : null}
        <Felder felder={feld.felder ?? []} prefix={path} defPrefix={def} bereich={bereich} k={k} />
      </fieldset>
    );
  }
  if (feld.art === 'adresse') {
    const a = (v ?? {}) as Record<string, string>;
    return (
      <fieldset id={id} aria-describedby={feld.hilfe ? `${id}-hinweis` : undefined}>
        <legend>{label}</legend>
        <Beschreibung id={id} hinweis={feld.hilfe} />
        {ADRESSE_TEILE.map((t) => {
          const tid = feldId(`${path}.${t.key}`);
          const tf = k.fehler[`${path}.${t.key}`];
          return (
            <div>
              <label for={tid}>{t.label}</label>
              <Beschreibung id={tid} fehler={tf} />
              <input
                id={tid}
                name={`${path}.${t.key}`}
                type="text"
                value={a[t.key] ?? ''}
                autocomplete={t.autocomplete}
                inputmode={t.key === 'plz' ? 'numeric' : undefined}
                maxlength={t.max}
                required={pflicht}
                aria-invalid={tf ? 'true' : undefined}
                aria-describedby={describedBy(tid, undefined, tf)}
              />
            </div>
          );
        })}
      </fieldset>
    );
  }
  const radios =
    feld.art === 'janein' || (feld.art === 'auswahl' && (feld.mehrfach || (feld.optionen?.length ?? 0) <= 6));
  if (radios) {
    const options =
      feld.art === 'janein'
        ? [
            { wert: 'ja', label: 'Ja' },
            { wert: 'nein', label: 'Nein' },
          ]
        : (feld.optionen ?? []);
    const chosen = (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) =>
      x === true ? 'ja' : x === false ? 'nein' : String(x),
    );
    return (
      <fieldset id={id} aria-describedby={describedBy(id, hinweis, fehler)} aria-invalid={invalid}>
        <legend>{label}</legend>
        <Beschreibung id={id} hinweis={hinweis} fehler={fehler} />
        {options.map((o, i) => (
          <label class="check" for={`${id}-${i}`}>
            <input
              id={`${id}-${i}`}
              type={feld.art === 'auswahl' && feld.mehrfach ? 'checkbox' : 'radio'}
              name={path}
              value={o.wert}
              checked={chosen.includes(o.wert)}
              required={pflicht && !(feld.art === 'auswahl' && feld.mehrfach)}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
    );
  }
  if (feld.art === 'datei') {
    const mine = k.dateien.filter((d) => d.feld === path);
    return (
      <div>
        <label for={id}>{label}</label>
        <Beschreibung id={id} hinweis={hinweis} fehler={fehler} />
        {mine.length > 0 ? (
          <ul id={`${id}-liste`} aria-label={`Hochgeladen für ${feld.label}`}>
            {mine.map((d) => (
              <li>
                {d.dateiname} ({DATEITYP_NAMEN[d.medientyp] ?? d.medientyp}, {Math.ceil(d.groesse / 1024)} KiB){' '}
                <button type="submit" class="secondary" name="aktion" value={`datei-entfernen:${path}:${d.dateiname}`}>
                  {d.dateiname} entfernen
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <input
          id={id}
          name={path}
          type="file"
          accept={(feld.dateitypen ?? []).join(',')}
          multiple={(feld.maxDateien ?? 1) > 1}
          required={pflicht && mine.length === 0}
          aria-invalid={invalid}
          aria-describedby={describedBy(id, hinweis, fehler)}
        />
      </div>
    );
  }
  const common = {
    id,
    name: path,
    required: pflicht,
    'aria-invalid': invalid,
    'aria-describedby': describedBy(id, hinweis, fehler),
  };
  return (
    <div>
      <label for={id}>{label}</label>
      <Beschreibung id={id} hinweis={hinweis} fehler={fehler} />
      {feld.art === 'auswahl' ? (
        <select {...common}>
          <option value="">Bitte wählen</option>
          {(feld.optionen ?? []).map((o) => (
            <option value={o.wert} selected={v === o.wert}>
              {o.label}
            </option>
          ))}
        </select>
      ) : feld.art === 'text' && feld.mehrzeilig ? (
        <textarea {...common} maxlength={feld.maxLaenge}>
          {text(v, feld)}
        </textarea>
      ) : (
        <input
          {...common}
          type={feld.art === 'datum' ? 'date' : feld.art === 'email' ? 'email' : 'text'}
          inputmode={feld.art === 'zahl' || feld.art === 'betrag' ? 'decimal' : undefined}
          value={text(v, feld)}
          maxlength={feld.art === 'text' ? feld.maxLaenge : undefined}
          min={feld.art === 'datum' && typeof feld.min === 'string' ? feld.min : undefined}
          max={feld.art === 'datum' && typeof feld.max === 'string' ? feld.max : undefined}
          autocomplete={feld.autocomplete}
          spellcheck={feld.art === 'iban' || feld.art === 'email' ? false : undefined}
        />
      )}
    </div>
  );
}
