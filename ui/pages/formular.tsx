// The citizen's form: a start page per activation, one section per step (the answers saved as a draft at every
// step, conditions evaluated on the server after each post), "Zwischenspeichern" with the resume link, the summary
// before sending, and the receipt with the status link. The Prozessmodellierer's preview runs the same pages on a
// preview draft that never becomes an Antrag.
import type { Hono } from 'hono';
import { LIMITS } from '../../api/antrag-eingabe';
import { allowBody } from '../../api/edge';
import type { FormularAnsicht } from '../../domain/formular-ansicht/model';
import { pruefe, uebernimm, type Fehler, type Gepostet } from '../../domain/formular-ansicht/pruefung';
import { lies, schreibe, type Daten } from '../../domain/formular-ansicht/werte';
import { refusal, type Problem } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime } from '../format';
import { CsrfField } from '../layout';
import type { UiContext, UiEnv } from '../session';
import { entwurfPfad, ladeEntwurf, schritte, type AktivierungFormular } from '../formular/daten';
import { Schritt, Vorschau } from '../formular/seiten';
import { registerSenden } from './formular-senden';

type Body = Record<string, string | File | (string | File)[]>;

function strings(body: Body): Gepostet {
  const out: Gepostet = {};
  for (const [k, v] of Object.entries(body)) {
    const list = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    out[k] = list.length > 1 ? list : list[0];
  }
  return out;
}

function files(body: Body, name: string): File[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v ? [v] : []).filter((x): x is File => x instanceof File && x.size > 0);
}

function dateiFelder(abschnitt: FormularAnsicht['abschnitte'][number], daten: Daten): string[] {
  const out: string[] = [];
  const walk = (felder: typeof abschnitt.felder, prefix: string) => {
    for (const f of felder) {
      const path = prefix ? `${prefix}.${f.key}` : f.key;
      if (f.art === 'datei') out.push(path);
      if (f.art === 'gruppe' && f.wiederholbar) {
        const v = lies(daten, path);
        (Array.isArray(v) ? v : []).forEach((_, i) => walk(f.felder ?? [], `${path}.${i}`));
      } else if (f.art === 'gruppe') walk(f.felder ?? [], path);
    }
  };
  walk(abschnitt.felder, '');
  return out;
}

export function registerFormular(app: Hono<UiEnv>, ui: Ui) {
  app.get('/formular/:aktivierungId', async (c) => {
    const a = await ui.api.get<AktivierungFormular>(
      c,
      `/api/formulare/aktivierungen/${encodeURIComponent(c.req.param('aktivierungId'))}`,
    );
    const f = a.formular as unknown as FormularAnsicht;
    const user = c.get('user');
    return render(ui, c, f.titel, (frame) => (
      <>
        {f.beschreibung ? <p class="lead">{f.beschreibung}</p> : null}
        {!a.aktiv ? (
          <div class="notice error" role="alert">
            <p>Dieser Onlinedienst nimmt bei diesem Mandanten noch keine Anträge an.</p>
          </div>
        ) : null}
        <p>
          Das Formular hat {f.abschnitte.length} {f.abschnitte.length === 1 ? 'Abschnitt' : 'Abschnitte'} und Ihre
          Kontaktdaten; je nach Ihren Antworten kommen Angaben hinzu oder entfallen. Sie können jederzeit
          zwischenspeichern und später über einen Link weitermachen.
        </p>
        {f.datenschutz ? (
          <section aria-labelledby="datenschutz" class="panel">
            <h2 id="datenschutz">Datenschutz</h2>
            <p>{f.datenschutz.text}</p>
            {f.datenschutz.verantwortlicher ? <p>Verantwortlich: {f.datenschutz.verantwortlicher}</p> : null}
            {f.datenschutz.url ? (
              <p>
                <a href={f.datenschutz.url}>Datenschutzerklärung (ausführlich)</a>
              </p>
            ) : null}
          </section>
        ) : null}
        {user ? (
          <form method="post" action={`/formular/${encodeURIComponent(a.aktivierungId)}`}>
            <CsrfField frame={frame} />
            <button type="submit">Antrag beginnen</button>
          </form>
        ) : (
          <p>
            <a class="button" href={`/anmelden?weiter=${encodeURIComponent(c.req.path)}`}>
              Anmelden und Antrag beginnen
            </a>
          </p>
        )}
      </>
    ));
  });

  app.post('/formular/:aktivierungId', async (c) => {
    const res = await ui.api.call<{ token: string } & Problem>(c, 'POST', '/api/entwuerfe', {
      aktivierungId: c.req.param('aktivierungId'),
    });
    if (res.status !== 201) throw refusal(res);
    return c.redirect(`${entwurfPfad(res.body.token)}/schritt/0`, 303);
  });

  app.get('/onlinedienste/:id/formular/:version/vorschau', async (c) => {
    const f = await ui.api.get<FormularAnsicht>(
      c,
      `/api/formulare/${encodeURIComponent(c.req.param('id'))}/${encodeURIComponent(c.req.param('version'))}`,
    );
    return render(ui, c, `Vorschau: ${f.titel}`, (frame) => (
      <>
        <Vorschau version={f.version} />
        <p>
          {f.abschnitte.length} Abschnitte: {f.abschnitte.map((a) => a.titel).join(', ')}.
        </p>
        <form method="post" action={c.req.path}>
          <CsrfField frame={frame} />
          <button type="submit">Vorschau starten</button>
        </form>
      </>
    ));
  });

  app.post('/onlinedienste/:id/formular/:version/vorschau', async (c) => {
    const res = await ui.api.call<{ token: string } & Problem>(c, 'POST', '/api/entwuerfe', {
      onlinedienstId: c.req.param('id'),
      formularVersion: c.req.param('version'),
      vorschau: true,
    });
    if (res.status !== 201) throw refusal(res);
    return c.redirect(`${entwurfPfad(res.body.token)}/schritt/0`, 303);
  });

  /** The resume link: back to the step reached. */
  app.get('/formular/entwurf/:token', async (c) => {
    const { entwurf } = await ladeEntwurf(ui, c, c.req.param('token'));
    return c.redirect(`${entwurfPfad(c.req.param('token'))}/schritt/${entwurf.schritt}`, 303);
  });

  async function zeigeSchritt(
    c: UiContext,
    n: number,
    fehler: Fehler = {},
    posted?: { daten: Daten; antragsteller?: unknown },
    meldung?: string,
  ) {
    const token = c.req.param('token')!;
    const { entwurf, formular } = await ladeEntwurf(ui, c, token);
    const daten = posted?.daten ?? entwurf.daten;
    const steps = schritte(formular, daten);
    const i = Math.max(0, Math.min(n, steps.length - 1));
    const sicht =
      steps[i]!.id === 'kontakt'
        ? { antragsteller: posted?.antragsteller ?? entwurf.antragsteller ?? { name: c.get('user')?.name ?? '' } }
        : daten;
    return render(
      ui,
      c,
      formular.titel,
      (frame) => (
        <Schritt
          frame={frame}
          token={token}
          entwurf={entwurf}
          formular={formular}
          schritte={steps}
          n={i}
          daten={sicht as Daten}
          fehler={fehler}
          meldung={meldung}
        />
      ),
      Object.keys(fehler).length > 0 ? 400 : 200,
    );
  }

  app.get('/formular/entwurf/:token/schritt/:n', (c) => zeigeSchritt(c, Number(c.req.param('n')) || 0));

  app.post('/formular/entwurf/:token/schritt/:n', allowBody(LIMITS.gesamtBytes + 1024 * 1024), async (c) => {
    const token = c.req.param('token');
    const body = (await c.req.parseBody({ all: true })) as Body;
    const posted = strings(body);
    const aktion = typeof posted.aktion === 'string' ? posted.aktion : 'weiter';
    const { entwurf, formular } = await ladeEntwurf(ui, c, token);
    const steps = schritte(formular, entwurf.daten);
    const n = Math.max(0, Math.min(Number(c.req.param('n')) || 0, steps.length - 1));
    const abschnitt = steps[n]!;
    const kontakt = abschnitt.id === 'kontakt';
    const daten: Daten = kontakt ? structuredClone(entwurf.daten) : structuredClone(entwurf.daten);
    const k: Daten = { antragsteller: entwurf.antragsteller ?? {} };
    uebernimm(abschnitt, kontakt ? k : daten, posted);
    const [was, path, index] = aktion.split(':');
    if (was === 'hinzufuegen' && path) {
      const list = lies(daten, path);
      schreibe(daten, path, [...(Array.isArray(list) ? list : []), {}]);
    }
    if (was === 'entfernen' && path) {
      const list = lies(daten, path);
      if (Array.isArray(list))
        schreibe(
          daten,
          path,
          list.filter((_, i) => i !== Number(index)),
        );
    }
    const fehler: Fehler = {};
    const save = await ui.api.call<Problem>(c, 'PUT', `/api/entwuerfe/${encodeURIComponent(token)}`, {
      daten,
      schritt: n,
      ...(kontakt ? { antragsteller: { name: '', email: '', ...(k.antragsteller as object) } } : {}),
    });
    if (save.status !== 200) throw refusal(save);
    if (was === 'datei-entfernen' && path) {
      const name = aktion.slice(`datei-entfernen:${path}:`.length);
      await ui.api.call(
        c,
        'DELETE',
        `/api/entwuerfe/${encodeURIComponent(token)}/dateien?feld=${encodeURIComponent(path)}&dateiname=${encodeURIComponent(name)}`,
      );
    }
    for (const feld of kontakt ? [] : dateiFelder(abschnitt, daten)) {
      for (const file of files(body, feld)) {
        const form = new FormData();
        form.set('feld', feld);
        form.set('datei', file, file.name);
        const up = await ui.api.callForm<Problem>(
          c,
          'POST',
          `/api/entwuerfe/${encodeURIComponent(token)}/dateien`,
          form,
        );
        if (up.status !== 200)
          fehler[feld] = up.body.invalidParams?.[0]?.reason ?? up.body.detail ?? 'Die Datei wurde nicht angenommen.';
      }
    }
    const next = await ladeEntwurf(ui, c, token);
    const stand = next.entwurf.daten;
    if (was === 'zurueck') return c.redirect(`${entwurfPfad(token)}/schritt/${Math.max(0, n - 1)}`, 303);
    if (was === 'speichern') return c.redirect(`${entwurfPfad(token)}/gespeichert`, 303);
    if (was === 'weiter') {
      Object.assign(fehler, pruefe(abschnitt, kontakt ? k : stand), fehler);
      if (Object.keys(fehler).length === 0) {
        const nextSteps = schritte(formular, stand);
        return c.redirect(
          n + 1 < nextSteps.length ? `${entwurfPfad(token)}/schritt/${n + 1}` : `${entwurfPfad(token)}/zusammenfassung`,
          303,
        );
      }
    }
    if (Object.keys(fehler).length > 0)
      return zeigeSchritt(c, n, fehler, { daten: stand, antragsteller: k.antragsteller });
    return c.redirect(`${entwurfPfad(token)}/schritt/${n}`, 303);
  });

  app.get('/formular/entwurf/:token/gespeichert', async (c) => {
    const token = c.req.param('token');
    const { entwurf, formular } = await ladeEntwurf(ui, c, token);
    const link = `${ui.deps.publicBaseUrl}${entwurfPfad(token)}`;
    return render(ui, c, 'Ihr Entwurf ist gespeichert', () => (
      <>
        <div class="notice ok" role="status">
          <p>
            Ihre Angaben zu „{formular.titel}“ sind bis <strong>{formatDateTime(entwurf.gueltigBis)}</strong>{' '}
            gespeichert. Noch ist nichts an eine Behörde gegangen.
          </p>
        </div>
        <p>Mit diesem Link machen Sie später weiter (nur angemeldet mit demselben Konto). Bewahren Sie ihn auf:</p>
        <p>
          <a id="entwurf-link" href={link}>
            {link}
          </a>
        </p>
        <p>
          <a class="button" href={`${entwurfPfad(token)}/schritt/${entwurf.schritt}`}>
            Jetzt weitermachen
          </a>
        </p>
      </>
    ));
  });

  registerSenden(app, ui);
}
