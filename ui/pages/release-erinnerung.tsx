// The AWB's "remind every late one now" on the board's release campaign: one button (its action key rendered into
// the form, so a double click or a resent form is the same action and mails nobody twice) and a page with the
// bulk action's progress, reloaded by the person — no script.
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { requireRole } from '../../api/auth';
import type { Campaign, Erinnerung } from '../../api/schemas/release';
import { refusal } from '../api-client';
import { render, type Ui } from '../context';
import { formatDateTime, isoOf } from '../format';
import { CsrfField, Notice, TemporalLink, type Frame } from '../layout';
import type { UiEnv } from '../session';

const base = (version: string) => `/betrieb/releases/${encodeURIComponent(version)}`;

export function ErinnernButton({ campaign, frame }: { campaign: Campaign; frame: Frame }) {
  if (!frame.user?.roles.includes('awb') || campaign.summary.late === 0) return null;
  if (campaign.status === 'abgeschlossen' || campaign.status === 'planung') return null;
  return (
    <form method="post" action={`${base(campaign.release.version)}/erinnern`}>
      <CsrfField frame={frame} />
      <input type="hidden" name="aktionId" value={randomUUID()} />
      <button type="submit">Alle {campaign.summary.late} Überfälligen jetzt erinnern</button>
    </form>
  );
}

export function registerReleaseErinnerung(app: Hono<UiEnv>, ui: Ui) {
  app.post('/betrieb/releases/:version/erinnern', requireRole('awb'), async (c) => {
    const version = c.req.param('version');
    const body = (await c.req.parseBody()) as Record<string, string>;
    const res = await ui.api.call<Erinnerung>(
      c,
      'POST',
      `/api/releases/${encodeURIComponent(version)}/erinnern`,
      body.aktionId ? { aktionId: body.aktionId } : {},
    );
    if (res.status >= 400) throw refusal(res);
    return c.redirect(`${base(version)}/erinnerungen/${encodeURIComponent(res.body.aktionId)}`, 303);
  });

  app.get('/betrieb/releases/:version/erinnerungen/:aktionId', requireRole('awb'), async (c) => {
    const version = c.req.param('version');
    const p = await ui.api.get<Erinnerung>(
      c,
      `/api/releases/${encodeURIComponent(version)}/erinnerungen/${encodeURIComponent(c.req.param('aktionId'))}`,
    );
    const self = `${base(version)}/erinnerungen/${encodeURIComponent(p.aktionId)}`;
    return render(ui, c, `Erinnerung an die Überfälligen: Release ${version}`, () => (
      <>
        <Notice
          ok
          text={
            p.fertig
              ? `Fertig: ${p.erinnert} von ${p.gesamt} überfälligen Prüfungen erinnert.`
              : `Läuft: ${p.erinnert} von ${p.gesamt} überfälligen Prüfungen erinnert.`
          }
        />
        <dl>
          <dt>Überfällig am</dt>
          <dd>
            <time datetime={isoOf(p.stichtag)}>{formatDateTime(p.stichtag)}</time>
          </dd>
          <dt>Überfällige Prüfungen</dt>
          <dd>{p.gesamt}</dd>
          <dt>Erinnert</dt>
          <dd>{p.erinnert}</dd>
          <dt>Ohne Postfach des Prozesseigners</dt>
          <dd>{p.ohnePostfach}</dd>
          <dt>Gestartet von</dt>
          <dd>{p.actor}</dd>
        </dl>
        <progress max={Math.max(p.gesamt, 1)} value={p.erinnert + p.ohnePostfach} aria-label="Fortschritt">
          {p.erinnert + p.ohnePostfach} von {p.gesamt}
        </progress>
        <p>
          {p.fertig ? null : (
            <>
              <a href={self}>Stand aktualisieren</a>
              {' · '}
            </>
          )}
          <a href="/betrieb#release-h">Zurück zum Betrieb</a>
          {p.temporalUiUrl ? (
            <>
              {' · '}
              <TemporalLink url={p.temporalUiUrl} label="Aktion in der Temporal Web UI" />
            </>
          ) : null}
        </p>
      </>
    ));
  });
}
