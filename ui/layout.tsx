// The frame of every page: skip link, landmarks (header, nav, main, footer), German labels, sign-out.
import type { Child } from 'hono/jsx';
import type { Role, User } from '../api/auth';
import { LIFECYCLE_READERS } from '../api/lifecycle-api';
import { RECHTLICHES } from './betreiber';
import { roleLabel } from './format';
import { CSRF_FIELD } from './session';

export interface Frame {
  user?: User;
  csrf: string;
  path: string;
  mailView: boolean;
}

/** Which pages a role finds in the navigation; the routes enforce the same roles (through the API). */
export const NAV: { href: string; label: string; roles: Role[]; dev?: boolean }[] = [
  { href: '/aufgaben', label: 'Meine Aufgaben', roles: [...LIFECYCLE_READERS, 'sachbearbeitung'] },
  { href: '/betrieb', label: 'Betrieb (AWB)', roles: ['awb', 'projektleitung'] },
  { href: '/onlinedienste', label: 'Onlinedienste', roles: LIFECYCLE_READERS },
  { href: '/antraege', label: 'Anträge', roles: ['sachbearbeitung', 'mandant-admin'] },
  { href: '/mandanten', label: 'Stammdaten', roles: ['mandant-admin', 'awb', 'projektleitung'] },
  { href: '/statistik', label: 'Statistik', roles: ['awb', 'projektleitung', 'mandant-admin'] },
  { href: '/entwicklung/mails', label: 'Mails (Entwicklung)', roles: ['awb'], dev: true },
];

export function navFor(frame: Frame) {
  const user = frame.user;
  if (!user) return [];
  return NAV.filter((n) => n.roles.some((r) => user.roles.includes(r)) && (!n.dev || frame.mailView));
}

export function CsrfField({ frame }: { frame: Frame }) {
  return <input type="hidden" name={CSRF_FIELD} value={frame.csrf} />;
}

export function Layout({ frame, title, children }: { frame: Frame; title: string; children?: Child }) {
  const nav = navFor(frame);
  return (
    <html lang="de">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – Amt24 Orchestrierung`}</title>
        <link rel="stylesheet" href="/ui.css" />
      </head>
      <body>
        <a class="skip" href="#inhalt">
          Zum Inhalt springen
        </a>
        <header class="site">
          <div class="bar">
            <a class="brand" href="/">
              Amt24 Orchestrierung
            </a>
            {frame.user ? (
              <div class="who">
                <span>
                  Angemeldet als <strong>{frame.user.name}</strong> ({frame.user.roles.map(roleLabel).join(', ')}
                  {frame.user.mandanten.length > 0 && !frame.user.mandanten.includes('*')
                    ? `; Mandant ${frame.user.mandanten.join(', ')}`
                    : ''}
                  )
                </span>
                <form class="inline" method="post" action="/abmelden">
                  <CsrfField frame={frame} />
                  <button type="submit">Abmelden</button>
                </form>
              </div>
            ) : (
              <a href="/anmelden">Anmelden</a>
            )}
          </div>
        </header>
        {nav.length > 0 ? (
          <nav class="main" aria-label="Hauptnavigation">
            <ul>
              {nav.map((n) => (
                <li>
                  <a
                    href={n.href}
                    aria-current={frame.path === n.href || frame.path.startsWith(`${n.href}/`) ? 'page' : undefined}
                  >
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <main id="inhalt" tabindex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
        <footer class="site">
          <div class="bar">
            <p>Amt24-Serviceportal Sachsen · Orchestrierung der Onlinedienste und Anträge</p>
            <nav aria-label="Rechtliches und Hilfe">
              <ul>
                {RECHTLICHES.map((l) => (
                  <li>
                    <a href={l.href} aria-current={frame.path === l.href ? 'page' : undefined}>
                      {l.label}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/docs">API-Dokumentation</a>
                </li>
              </ul>
            </nav>
          </div>
        </footer>
      </body>
    </html>
  );
}

export function TemporalLink({ url, label }: { url?: string; label?: string }) {
  if (!url) return null;
  return (
    <a href={url} rel="noopener">
      {label ?? 'In der Temporal Web UI öffnen'}
      <span class="visually-hidden"> (öffnet die Temporal Web UI)</span>
    </a>
  );
}

/** A success (status) or error (alert) message above a page's content. */
export function Notice({ ok, text }: { ok: boolean; text: string }) {
  return (
    <div class={`notice ${ok ? 'ok' : 'error'}`} role={ok ? 'status' : 'alert'}>
      <p>{text}</p>
    </div>
  );
}

export function Badge({
  kind,
  children,
}: {
  kind: 'ok' | 'warning' | 'breached' | 'paused' | 'bad' | 'neutral';
  children?: Child;
}) {
  return <span class={`badge ${kind}`}>{children}</span>;
}
