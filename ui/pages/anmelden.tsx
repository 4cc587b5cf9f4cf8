// Sign-in: in development pick a demo user; always possible: paste a token (e.g. from `npm run tokens`).
// Sets the session cookie (HttpOnly, SameSite=Strict); sign-out clears it.
import type { Hono } from 'hono';
import { demoUsers, signToken, verifyToken } from '../../api/auth';
import { render, type Ui } from '../context';
import { roleLabel } from '../format';
import { CsrfField } from '../layout';
import { endSession, startSession, type UiContext, type UiEnv } from '../session';

/** Only same-site paths: a sign-in must not become an open redirect. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : '/';
}

function page(ui: Ui, c: UiContext, weiter: string, fehler?: string) {
  return render(
    ui,
    c,
    'Anmelden',
    (frame) => (
      <>
        {fehler ? (
          <div class="notice error" role="alert" id="fehler">
            <h2>Anmeldung nicht möglich</h2>
            <p>{fehler}</p>
          </div>
        ) : null}
        {ui.deps.uiDemoSignIn ? (
          <section aria-labelledby="demo-h">
            <h2 id="demo-h">Als Demo-Benutzer anmelden (Entwicklung)</h2>
            <form class="stack" method="post" action="/anmelden">
              <CsrfField frame={frame} />
              <input type="hidden" name="weiter" value={weiter} />
              <div>
                <label for="benutzer">Benutzer</label>
                <select id="benutzer" name="benutzer" aria-describedby="benutzer-hinweis">
                  {demoUsers.map((u) => (
                    <option value={u.id}>{`${u.name} – ${u.roles.map(roleLabel).join(', ')}`}</option>
                  ))}
                </select>
                <span class="hint" id="benutzer-hinweis">
                  Nur in der Entwicklung: jede Rolle hat einen Demo-Benutzer.
                </span>
              </div>
              <div>
                <button type="submit">Anmelden</button>
              </div>
            </form>
          </section>
        ) : null}
        <section aria-labelledby="token-h">
          <h2 id="token-h">Mit Token anmelden</h2>
          <form class="stack" method="post" action="/anmelden">
            <CsrfField frame={frame} />
            <input type="hidden" name="weiter" value={weiter} />
            <div>
              <label for="token">Zugangstoken</label>
              <textarea
                id="token"
                name="token"
                rows={3}
                autocomplete="off"
                spellcheck={false}
                aria-describedby="token-hinweis"
                required
              ></textarea>
              <span class="hint" id="token-hinweis">
                Dasselbe Token, das die API als „Bearer“-Token annimmt.
              </span>
            </div>
            <div>
              <button type="submit">Mit Token anmelden</button>
            </div>
          </form>
        </section>
        <p>
          Sie haben einen Antrag gestellt? Den Stand sehen Sie ohne Anmeldung über den Link in Ihrer Eingangsbestätigung
          (<a href="/#status">Vorgang mit Token aufrufen</a>).
        </p>
      </>
    ),
    fehler ? 400 : 200,
  );
}

export function registerAnmelden(app: Hono<UiEnv>, ui: Ui) {
  app.get('/anmelden', (c) => page(ui, c, safeNext(c.req.query('weiter'))));

  app.post('/anmelden', async (c) => {
    const body = await c.req.parseBody();
    const weiter = safeNext(body.weiter);
    let token: string | undefined;
    if (typeof body.benutzer === 'string' && body.benutzer) {
      const demo = ui.deps.uiDemoSignIn ? demoUsers.find((u) => u.id === body.benutzer) : undefined;
      if (!demo) return page(ui, c, weiter, 'Diesen Demo-Benutzer gibt es hier nicht.');
      token = await signToken(ui.deps.keys.bearer, demo);
    } else if (typeof body.token === 'string' && body.token.trim()) {
      token = body.token.trim();
      try {
        await verifyToken(ui.deps.keys.bearer, token);
      } catch {
        return page(ui, c, weiter, 'Das Token ist ungültig oder abgelaufen.');
      }
    } else {
      return page(ui, c, weiter, 'Bitte wählen Sie einen Benutzer oder geben Sie ein Token ein.');
    }
    startSession(c, ui.deps, token);
    return c.redirect(weiter, 303);
  });

  app.post('/abmelden', (c) => {
    endSession(c);
    return c.redirect('/', 303);
  });
}
