// "Written" is not "fetched": the workflow watches the Transferverzeichnis (a real folder on disk) until the
// authority takes the Vorgang out of it. Nobody fetches it → the Mandant is reminded once, the Mandant and the AWB
// are warned before the deletion, and the deletion is recorded as one of unfetched data. Fetched → "abgeholt" on
// the technical lane, no reminder, an ordinary deletion.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antragStack, anwohnerparken, antragsteller, type AntragStack } from './harness/antrag';
import { uniqueId } from './harness/servers';
import { mailsTo, waitForMailTo } from './harness/wait';

let h: AntragStack;
beforeAll(async () => {
  h = await antragStack();
}, 120_000);
afterAll(() => h?.close());

/** A plain-transfer activation whose OE (the zuständige Stelle) has a mailbox of its own. */
async function transferAntrag(params: Record<string, string>) {
  const akt = await h.aktivierung({
    'zustellung.modus': 'transfer-plain',
    'frist.transferAbfrage': '300ms',
    'frist.aufbewahrung': '10m',
    ...params,
  });
  const stelle = `${uniqueId('stelle')}@leipzig.example`;
  await h.db.updateTable('organisationseinheit').set({ email: stelle }).where('id', '=', `oe-${akt}`).execute();
  const res = await h.submit({
    aktivierungId: akt,
    daten: anwohnerparken(),
    antragsteller: antragsteller(`${uniqueId('abholung')}@example.org`),
  });
  expect(res.status).toBe(201);
  const vn = res.body.vorgangsnummer as string;
  const z = await h.zugestellt(vn);
  return { vn, stelle, ordner: path.join(h.transferRoot, akt, z.referenz!) };
}

const audit = (vn: string, action: string) =>
  h.db.selectFrom('audit_log').selectAll().where('subject_id', '=', vn).where('action', '=', action).execute();
const ereignisse = (vn: string) =>
  h.db.selectFrom('antrag_ereignis').selectAll().where('vorgangsnummer', '=', vn).orderBy('id').execute();

describe('Transferverzeichnis pickup', () => {
  it('a Vorgang nobody fetches: reminder once, warning to Mandant and AWB, deletion recorded as unfetched', async () => {
    // The deletion counts from the receipt, the reminder from the delivery; a reminder due after the warning is
    // skipped by design. 14 s between receipt and warning leave a loaded box 13 s to deliver (CI once took over 4).
    const { vn, stelle, ordner } = await transferAntrag({
      'frist.transferErinnerung': '1s',
      'frist.transferWarnung': '10s',
      'frist.transferLoeschen': '24s',
    });
    expect(fs.existsSync(path.join(ordner, 'antrag.pdf'))).toBe(true);

    const erinnerung = await waitForMailTo(stelle, new RegExp(`Antrag ${vn} liegt noch im Transferverzeichnis`));
    expect(erinnerung.text).toContain('Bitte holen Sie ihn ab');
    const warnung = await waitForMailTo(stelle, new RegExp(`Löschung ungelesener Daten: Antrag ${vn}`));
    expect(warnung.text).toContain('nie aus dem Transferverzeichnis');
    await waitForMailTo(h.awbEmail, new RegExp(`Löschung ungelesener Daten: Antrag ${vn}`));

    const sicht = await h.waitFor('the deletion of unfetched data', async () => {
      const s = await h.sicht(vn);
      return s.zustellung.ungeholtGeloescht ? s : undefined;
    });
    expect(sicht.zustellung).toMatchObject({ status: 'zugestellt', erinnert: true, gewarnt: true });
    expect(sicht.zustellung.abgeholtAm).toBeUndefined();
    expect(fs.existsSync(ordner)).toBe(false);
    expect(await audit(vn, 'transfer.ungeholt-geloescht')).toHaveLength(1);
    expect(await audit(vn, 'transfer.abgeholt')).toHaveLength(0);
    const stati = (await ereignisse(vn)).map((e) => e.status);
    expect(stati).toContain('ungeholt-geloescht');
    expect(stati).not.toContain('abgeholt');
    const z = await h.db
      .selectFrom('zustellung')
      .selectAll()
      .where('vorgangsnummer', '=', vn)
      .executeTakeFirstOrThrow();
    expect(z.transfer_geloescht_am).not.toBeNull();
    expect(z.abgeholt_am).toBeNull();
    // Once each, whatever the polling did in between.
    const an = await mailsTo(stelle);
    expect(an.filter((m) => m.subject.includes('liegt noch im Transferverzeichnis'))).toHaveLength(1);
    expect(an.filter((m) => m.subject.startsWith('Löschung ungelesener Daten'))).toHaveLength(1);
  }, 90_000);

  it('a Vorgang the authority moves away: "abgeholt" on the technical lane, no reminder, no warning', async () => {
    const { vn, stelle, ordner } = await transferAntrag({
      'frist.transferErinnerung': '4s',
      'frist.transferWarnung': '5s',
      'frist.transferLoeschen': '10s',
    });
    // The Fachverfahren's import job moves the folder into its own archive outside the share.
    const archiv = fs.mkdtempSync(path.join(h.transferRoot, '..', 'fachverfahren-archiv-'));
    fs.renameSync(ordner, path.join(archiv, path.basename(ordner)));

    const sicht = await h.waitFor('picked up', async () => {
      const s = await h.sicht(vn);
      return s.zustellung.abgeholtAm ? s : undefined;
    });
    expect(sicht.zustellung.status).toBe('zugestellt');
    const abgeholt = (await ereignisse(vn)).find((e) => e.status === 'abgeholt');
    expect(abgeholt).toMatchObject({ spur: 'technisch', text: 'Die zuständige Stelle hat Ihren Antrag abgeholt.' });
    const detail = await h.api('GET', `/api/antraege/${vn}`, { user: 'sb-leipzig' });
    expect(detail.body.zustellung.abgeholt_am).not.toBeNull();

    // The deletion still runs (the ledger goes), but as an ordinary one.
    await h.waitFor('deleted', async () => {
      const z = await h.db
        .selectFrom('zustellung')
        .select('transfer_geloescht_am')
        .where('vorgangsnummer', '=', vn)
        .executeTakeFirstOrThrow();
      return z.transfer_geloescht_am !== null;
    });
    const nachher = await h.sicht(vn);
    expect(nachher.zustellung.ungeholtGeloescht).toBeUndefined();
    expect(nachher.zustellung.erinnert).toBeUndefined();
    expect(nachher.zustellung.gewarnt).toBeUndefined();
    expect(await audit(vn, 'transfer.ungeholt-geloescht')).toHaveLength(0);
    expect(await audit(vn, 'transfer.abgeholt')).toHaveLength(1);
    expect(await mailsTo(stelle)).toHaveLength(0);
  }, 90_000);
});
