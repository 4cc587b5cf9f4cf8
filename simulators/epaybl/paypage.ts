// ePayBL's pay page as a citizen's browser sees it: the login link the client builds, a page with the claim, and
// pay/abort forms that redirect to the unsigned back-links. What happened becomes visible to lesenKassenzeichenInfo
// only after the settle time, as the pay-page status turns INAKTIV.
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { PAYPAGE_METHODS, isZahlverfahren } from './codes';
import { absoluteHttpUrl, escapeHtml, page, readBody, sendHtml, sendText, sleep } from './http';
import { formatEuro } from './limits';
import { saldoCent, type EpayblStore, type PaypageSession, type SimKassenzeichen } from './state';

export const PAYPAGE_LOGIN_PATH = '/paypage/login.do';

export interface PaypageDeps {
  store: EpayblStore;
  latencyMs: number;
  settleMs: number;
}

export async function handlePaypage(
  deps: PaypageDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const { store } = deps;
  if (deps.latencyMs > 0) await sleep(deps.latencyMs);
  if (url.pathname === PAYPAGE_LOGIN_PATH && req.method === 'GET') return paypageLogin(store, res, url);

  const m = /^\/paypage\/([0-9a-f]{32})(?:\/(bezahlen|abbrechen))?$/.exec(url.pathname);
  const session = m?.[1] ? store.sessions.get(m[1]) : undefined;
  if (!m || !session) return sendHtml(res, 404, page('Sitzung unbekannt', '<p>Diese Bezahlseite gibt es nicht.</p>'));
  const kz = store.find(session.kassenzeichen);
  if (!kz) return sendHtml(res, 404, page('Kassenzeichen unbekannt', ''));
  const action = m[2];

  if (!action && req.method === 'GET') return sendHtml(res, 200, paypageHtml(session, kz));
  if (!action || req.method !== 'POST') return sendText(res, 405, 'method not allowed');

  const form = new URLSearchParams(await readBody(req));
  if (kz.paypageStatus !== 'AKTIV' || kz.pending) {
    return sendHtml(res, 409, page('Vorgang abgeschlossen', '<p>Dieser Bezahlvorgang ist bereits abgeschlossen.</p>'));
  }
  if (action === 'bezahlen') {
    const verfahren = form.get('zahlverfahren') ?? '';
    if (!isZahlverfahren(verfahren) || !PAYPAGE_METHODS.includes(verfahren)) {
      return sendHtml(res, 400, page('Zahlverfahren ungültig', `<p>${escapeHtml(verfahren)}</p>`));
    }
    const offen = saldoCent(kz);
    if (offen <= 0) return sendHtml(res, 409, page('Bereits bezahlt', '<p>Es ist nichts mehr offen.</p>'));
    kz.pending = { action: 'pay', betragCent: offen, verfahren, dueAt: Date.now() + deps.settleMs };
  } else {
    kz.pending = { action: 'abort', betragCent: 0, verfahren: null, dueAt: Date.now() + deps.settleMs };
  }
  store.sessions.delete(session.token);
  store.settle(kz);
  store.save();
  res.writeHead(303, { location: action === 'bezahlen' ? session.backlinkSuccess : session.backlinkAbort });
  res.end();
}

function paypageLogin(store: EpayblStore, res: http.ServerResponse, url: URL): void {
  const q = url.searchParams;
  const nr = q.get('kassenzeichen') ?? '';
  const kz = store.find(nr);
  if (!kz || kz.mandantNr !== q.get('mandant') || kz.eShopKundenNr !== q.get('EShopKundenNr')) {
    return sendHtml(res, 400, page('Ungültiger Aufruf', '<p>Kassenzeichen, Mandant oder Kunde passen nicht.</p>'));
  }
  const success = absoluteHttpUrl(q.get('backlinkSuccess'));
  const abort = absoluteHttpUrl(q.get('backlinkAbort'));
  if (!success || !abort) return sendHtml(res, 400, page('Ungültiger Aufruf', '<p>Rücksprungadresse fehlt.</p>'));
  if (kz.paypageStatus !== 'AKTIV') {
    return sendHtml(res, 410, page('Bezahlseite inaktiv', '<p>Dieser Bezahlvorgang ist abgeschlossen.</p>'));
  }
  const token = randomBytes(16).toString('hex');
  store.sessions.set(token, { token, kassenzeichen: kz.kassenzeichen, backlinkSuccess: success, backlinkAbort: abort });
  store.save();
  res.writeHead(303, { location: `/paypage/${token}` });
  res.end();
}

function paypageHtml(session: PaypageSession, kz: SimKassenzeichen): string {
  const rows = [
    ['Kassenzeichen', kz.kassenzeichen],
    ['Name', [kz.vorname, kz.nachname].filter(Boolean).join(' ')],
    ['Verwendungszweck', kz.buchungen[0]?.buchungstext ?? ''],
    ['Betrag', formatEuro(Math.max(saldoCent(kz), 0))],
    ['Fällig am', kz.faelligkeitsdatum.slice(0, 10)],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k ?? '')}</th><td>${escapeHtml(v ?? '')}</td></tr>`)
    .join('');
  if (kz.paypageStatus !== 'AKTIV' || kz.pending || saldoCent(kz) <= 0) {
    return page('Bezahlvorgang abgeschlossen', `<table>${rows}</table>`);
  }
  const options = PAYPAGE_METHODS.map((v) => `<option value="${v}">${v}</option>`).join('');
  const base = `/paypage/${session.token}`;
  return page(
    'ePayBL – Bezahlen',
    `<table>${rows}</table>` +
      `<form id="bezahlen" method="post" action="${base}/bezahlen">` +
      `<label>Zahlverfahren <select name="zahlverfahren">${options}</select></label> ` +
      '<button type="submit">Bezahlen</button></form>' +
      `<form id="abbrechen" method="post" action="${base}/abbrechen"><button type="submit">Abbrechen</button></form>`,
  );
}
