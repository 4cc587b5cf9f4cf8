// Drafts ("Zwischenspeichern"): a citizen's answers and uploads kept for the configured number of days, resumed
// by the link's token. A draft is no Antrag: it starts no workflow and reaches no authority. Only the account that
// started it may read it; its content is encrypted under its token (runtime/entwurf-key.ts).
import { z } from '@hono/zod-openapi';
import { findAktivierung } from '../../db/stores/aktivierung';
import { deleteEntwurf, findEntwurf, insertEntwurf, updateEntwurf, type Entwurf } from '../../db/stores/entwurf';
import type { EntwurfDatei } from '../../domain/formular-ansicht/model';
import { feldAnPfad, lies, schreibe } from '../../domain/formular-ansicht/werte';
import { decryptEntwurf, encryptEntwurf, entwurfId, isEntwurfToken, newEntwurfToken } from '../../runtime/entwurf-key';
import { dateitypAus, LIMITS } from '../antrag-eingabe';
import { currentUser, type User } from '../auth';
import type { ApiDeps } from '../deps';
import { formularAnsicht } from '../formular-quelle';
import { HttpProblem } from '../problem';
import { apiRoute, json, jsonBody, router } from '../route';
import { entwurfErstelltSchema, entwurfSchema, entwurfSpeichernSchema, neuerEntwurfSchema } from '../schemas/entwurf';

const ROLES = ['buerger', 'prozesseigner', 'prozessmodellierer', 'testteam'] as const;
const VORSCHAU_ROLES = ['prozesseigner', 'prozessmodellierer', 'testteam'] as const;
export const DEFAULT_ENTWURF_TAGE = 30;

const tokenParams = z.object({ token: z.string().openapi({ description: 'the token of the resume link' }) });

interface Inhalt {
  daten: Record<string, unknown>;
  schritt: number;
  antragsteller?: { name: string; email: string };
  dateien: EntwurfDatei[];
}

export const neuerEntwurfRoute = apiRoute({
  method: 'post',
  path: '/',
  tag: 'Bürger',
  roles: ROLES,
  summary:
    'Starts a draft of a form for an activation (or, for the Prozessmodellierer, a preview of a version). No Antrag, no workflow.',
  request: { body: jsonBody(neuerEntwurfSchema) },
  responses: { 201: json(entwurfErstelltSchema, 'the draft; its token is the only way back to it') },
  problems: [404],
});

export const entwurfRoute = apiRoute({
  method: 'get',
  path: '/{token}',
  tag: 'Bürger',
  roles: ROLES,
  summary: "A draft's answers and files (with ?inhalte=true the files' content, base64)",
  request: { params: tokenParams, query: z.object({ inhalte: z.enum(['true', 'false']).optional() }) },
  responses: { 200: json(entwurfSchema, 'the draft') },
  problems: [404],
});

export const entwurfSpeichernRoute = apiRoute({
  method: 'put',
  path: '/{token}',
  tag: 'Bürger',
  roles: ROLES,
  summary: 'Saves the answers and the step reached; saving extends the validity by the configured days',
  request: { params: tokenParams, body: jsonBody(entwurfSpeichernSchema) },
  responses: { 200: json(entwurfSchema, 'the draft as saved') },
  problems: [404],
});

export const entwurfDateiRoute = apiRoute({
  method: 'post',
  path: '/{token}/dateien',
  tag: 'Bürger',
  roles: ROLES,
  summary:
    'Uploads a file for a datei field (multipart: feld, datei); its type (by content), size and count are checked against the field',
  request: {
    params: tokenParams,
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            feld: z.string().min(1).max(300),
            datei: z.instanceof(File).openapi({ type: 'string', format: 'binary' }),
          }),
        },
      },
    },
  },
  responses: { 200: json(entwurfSchema, 'the draft with the file') },
  maxBodyBytes: LIMITS.anlageBytes + 64 * 1024,
  problems: [404, 413, 415],
});

export const entwurfDateiLoeschenRoute = apiRoute({
  method: 'delete',
  path: '/{token}/dateien',
  tag: 'Bürger',
  roles: ROLES,
  summary: 'Removes an uploaded file from a draft',
  request: { params: tokenParams, query: z.object({ feld: z.string().min(1), dateiname: z.string().min(1) }) },
  responses: { 200: json(entwurfSchema, 'the draft without the file') },
  problems: [404],
});

export const entwurfLoeschenRoute = apiRoute({
  method: 'delete',
  path: '/{token}',
  tag: 'Bürger',
  roles: ROLES,
  summary: 'Deletes a draft (after submission, or when the citizen discards it)',
  request: { params: tokenParams },
  responses: { 204: { description: 'deleted' } },
  problems: [404],
});

const unbekannt = () =>
  new HttpProblem(404, 'Nicht gefunden', 'Dieser Entwurf ist unbekannt oder abgelaufen.', {
    invalidParams: [{ name: 'token', reason: 'unbekannt oder abgelaufen' }],
  });

/** The draft behind the token, for its owner only (another account gets the same answer as an unknown token). */
async function laden(deps: ApiDeps, user: User, token: string): Promise<{ row: Entwurf; inhalt: Inhalt }> {
  if (!isEntwurfToken(token)) throw unbekannt();
  const row = await findEntwurf(deps.db, entwurfId(token));
  if (!row || row.owner !== user.id) throw unbekannt();
  return { row, inhalt: decryptEntwurf(token, row.inhalt_encrypted) as Inhalt };
}

function antwort(row: Entwurf, inhalt: Inhalt, inhalte = false) {
  return {
    onlinedienstId: row.onlinedienst_id,
    aktivierungId: row.aktivierung_id,
    formularVersion: row.formular_version,
    vorschau: row.vorschau,
    erstelltAm: row.created_at.toISOString(),
    gueltigBis: row.gueltig_bis.toISOString(),
    daten: inhalt.daten,
    schritt: inhalt.schritt,
    ...(inhalt.antragsteller ? { antragsteller: inhalt.antragsteller } : {}),
    dateien: inhalt.dateien.map(({ inhaltBase64, ...d }) => (inhalte ? { ...d, inhaltBase64 } : d)),
  };
}

/** A file's name as the Antrag will carry it: plain characters, unique within the draft. */
function dateiname(raw: string, taken: string[]): string {
  const dot = raw.lastIndexOf('.');
  const stem =
    (dot > 0 ? raw.slice(0, dot) : raw)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'anlage';
  const ext = (dot > 0 ? raw.slice(dot + 1) : '')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .toLowerCase();
  const name = (n: number) => `${stem}${n > 1 ? `-${n}` : ''}${ext ? `.${ext}` : ''}`;
  let n = 1;
  while (taken.includes(name(n))) n++;
  return name(n);
}

export function entwuerfeRoutes(deps: ApiDeps) {
  const app = router();
  const tage = deps.entwurfTage ?? DEFAULT_ENTWURF_TAGE;
  const bis = () => new Date(Date.now() + tage * 24 * 3600 * 1000);

  async function speichern(token: string, row: Entwurf, inhalt: Inhalt) {
    const saved = await updateEntwurf(deps.db, row.id, encryptEntwurf(token, inhalt), bis());
    if (!saved) throw unbekannt();
    return saved;
  }

  app.openapi(neuerEntwurfRoute, async (c) => {
    const user = currentUser(c);
    const body = c.req.valid('json');
    let ziel: { onlinedienstId: string; aktivierungId: string | null; version?: string; vorschau: boolean };
    if ('aktivierungId' in body) {
      const a = await findAktivierung(deps.db, body.aktivierungId);
      if (!a)
        throw new HttpProblem(404, 'Nicht gefunden', `Aktivierung ${body.aktivierungId} unbekannt.`, {
          invalidParams: [{ name: 'aktivierungId', reason: 'unbekannt' }],
        });
      ziel = { onlinedienstId: a.onlinedienst_id, aktivierungId: a.id, vorschau: false };
    } else {
      if (!user.roles.some((r) => (VORSCHAU_ROLES as readonly string[]).includes(r)))
        throw new HttpProblem(
          403,
          'Keine Berechtigung',
          'Die Vorschau ist für Prozessmodellierer, Prozesseigner und Testteam.',
        );
      ziel = {
        onlinedienstId: body.onlinedienstId,
        aktivierungId: null,
        version: body.formularVersion,
        vorschau: true,
      };
    }
    const formular = await formularAnsicht(deps, ziel.onlinedienstId, ziel.version);
    if (!formular)
      throw new HttpProblem(
        404,
        'Formular unbekannt',
        `Kein Formular für ${ziel.onlinedienstId}${ziel.version ? ` in Version ${ziel.version}` : ''}.`,
        {
          invalidParams: [{ name: ziel.version ? 'formularVersion' : 'aktivierungId', reason: 'kein Formular' }],
        },
      );
    const token = newEntwurfToken();
    const inhalt: Inhalt = { daten: {}, schritt: 0, dateien: [] };
    const row = await insertEntwurf(deps.db, {
      id: entwurfId(token),
      onlinedienstId: ziel.onlinedienstId,
      aktivierungId: ziel.aktivierungId,
      formularVersion: formular.version,
      vorschau: ziel.vorschau,
      owner: user.id,
      inhalt: encryptEntwurf(token, inhalt),
      gueltigBis: bis(),
    });
    return c.json(
      { token, gueltigBis: row.gueltig_bis.toISOString(), link: `${deps.publicBaseUrl}/formular/entwurf/${token}` },
      201,
    );
  });

  app.openapi(entwurfRoute, async (c) => {
    const { token } = c.req.valid('param');
    const { row, inhalt } = await laden(deps, currentUser(c), token);
    return c.json(antwort(row, inhalt, c.req.valid('query').inhalte === 'true'), 200);
  });

  app.openapi(entwurfSpeichernRoute, async (c) => {
    const { token } = c.req.valid('param');
    const { row, inhalt } = await laden(deps, currentUser(c), token);
    const body = c.req.valid('json');
    // The answers of datei fields are the names of the files kept here, whatever the page sent.
    const daten = structuredClone(body.daten);
    const felder = new Set(inhalt.dateien.map((d) => d.feld));
    for (const feld of felder) schreibe(daten, feld, lies(inhalt.daten, feld));
    const next: Inhalt = {
      ...inhalt,
      daten,
      schritt: body.schritt,
      ...(body.antragsteller ? { antragsteller: body.antragsteller } : {}),
    };
    return c.json(antwort(await speichern(token, row, next), next), 200);
  });

  app.openapi(entwurfDateiRoute, async (c) => {
    const { token } = c.req.valid('param');
    const { row, inhalt } = await laden(deps, currentUser(c), token);
    const { feld, datei } = c.req.valid('form');
    const invalid = (status: 400 | 413 | 415, title: string, reason: string) =>
      new HttpProblem(status, title, `${feld}: ${reason}`, { invalidParams: [{ name: feld, reason }] });
    const formular = await formularAnsicht(deps, row.onlinedienst_id, row.formular_version);
    const def = formular && feldAnPfad(formular, feld);
    if (!def || def.art !== 'datei') throw invalid(400, 'Ungültige Eingabe', 'kein Feld für Dateien');
    const content = Buffer.from(await datei.arrayBuffer());
    if (content.length === 0) throw invalid(400, 'Ungültige Anlage', 'Die Datei ist leer.');
    const max = Math.min(def.maxBytes ?? LIMITS.anlageBytes, LIMITS.anlageBytes);
    const mib = (n: number) => (n / 1024 / 1024).toLocaleString('de-DE', { maximumFractionDigits: 1 });
    if (content.length > max) throw invalid(413, 'Anlage zu groß', `Die Datei ist größer als ${mib(max)} MiB.`);
    const typ = dateitypAus(content);
    const erlaubt = def.dateitypen ?? ['application/pdf', 'image/png', 'image/jpeg'];
    const NAMEN: Record<string, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG' };
    if (!typ || !erlaubt.includes(typ))
      throw invalid(415, 'Dateityp nicht erlaubt', `Erlaubt: ${erlaubt.map((t) => NAMEN[t] ?? t).join(', ')}.`);
    const maxAnzahl = def.maxDateien ?? 1;
    // One file per field replaces the one before; with several, a new one is added while there is room.
    const andere = maxAnzahl === 1 ? inhalt.dateien.filter((d) => d.feld !== feld) : inhalt.dateien;
    if (andere.filter((d) => d.feld === feld).length >= maxAnzahl)
      throw invalid(400, 'Zu viele Dateien', `Höchstens ${maxAnzahl} Dateien.`);
    if (andere.length >= LIMITS.anlagen)
      throw invalid(413, 'Zu viele Anlagen', `Höchstens ${LIMITS.anlagen} Anlagen je Antrag.`);
    if (andere.reduce((n, d) => n + d.groesse, 0) + content.length > LIMITS.gesamtBytes)
      throw invalid(413, 'Anlagen zu groß', `Alle Anlagen zusammen höchstens ${mib(LIMITS.gesamtBytes)} MiB.`);
    const neu: EntwurfDatei = {
      feld,
      dateiname: dateiname(
        datei.name,
        andere.map((d) => d.dateiname),
      ),
      medientyp: typ,
      groesse: content.length,
      inhaltBase64: content.toString('base64'),
    };
    const next = mitDateien(inhalt, [...andere, neu], maxAnzahl, feld);
    return c.json(antwort(await speichern(token, row, next), next), 200);
  });

  app.openapi(entwurfDateiLoeschenRoute, async (c) => {
    const { token } = c.req.valid('param');
    const { feld, dateiname: name } = c.req.valid('query');
    const { row, inhalt } = await laden(deps, currentUser(c), token);
    const formular = await formularAnsicht(deps, row.onlinedienst_id, row.formular_version);
    const maxAnzahl = (formular && feldAnPfad(formular, feld)?.maxDateien) ?? 1;
    const rest = inhalt.dateien.filter((d) => !(d.feld === feld && d.dateiname === name));
    const next = mitDateien(inhalt, rest, maxAnzahl, feld);
    return c.json(antwort(await speichern(token, row, next), next), 200);
  });

  app.openapi(entwurfLoeschenRoute, async (c) => {
    const { token } = c.req.valid('param');
    const { row } = await laden(deps, currentUser(c), token);
    await deleteEntwurf(deps.db, row.id);
    return c.body(null, 204);
  });

  return app;
}

/** The files, and the datei field's answer naming them (one name, or a list when the field takes several). */
function mitDateien(inhalt: Inhalt, dateien: EntwurfDatei[], maxAnzahl: number, feld: string): Inhalt {
  const daten = structuredClone(inhalt.daten);
  const names = dateien.filter((d) => d.feld === feld).map((d) => d.dateiname);
  schreibe(daten, feld, names.length === 0 ? undefined : maxAnzahl > 1 ? names : names[0]);
  return { ...inhalt, daten, dateien };
}
