// npm run bench:formular [-- --felder 100 --runden 1000]
//
// Compile-and-validate time of one form definition with 100 fields (text, number, amount, date, choice, yes/no,
// address, e-mail, IBAN, a repeatable group and conditions): the first validation of a version (check the format,
// compile, validate) and then the cached one (the compiled validator found by content hash). Pure: no servers.
// The last line of output is one line of JSON with the figures.
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { kompiliertFuer } from '../domain/formular/compiler';
import { canonicalJson, pruefeDefinition } from '../domain/formular/definition';
import type { DefinitionEingabe, Feld } from '../domain/formular/format';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const anzahl = arg('felder', 100);
const runden = arg('runden', 1000);

function feld(i: number): { feld: Feld; wert: unknown } {
  const id = `f${i}`;
  const label = `Feld ${i}`;
  switch (i % 10) {
    case 0:
      return { feld: { id, label, typ: 'text', pflicht: true, maxLaenge: 200, muster: '[A-Za-z ]+' }, wert: 'Text' };
    case 1:
      return { feld: { id, label, typ: 'zahl', pflicht: true, min: 0, max: 1000, ganzzahl: true }, wert: 42 };
    case 2:
      return { feld: { id, label, typ: 'betrag', pflicht: true, min: 0, max: 10_000 }, wert: 30.5 };
    case 3:
      return { feld: { id, label, typ: 'datum', pflicht: true, min: '2000-01-01' }, wert: '2026-11-01' };
    case 4:
      return {
        feld: {
          id,
          label,
          typ: 'auswahl',
          pflicht: true,
          optionen: ['a', 'b', 'c'].map((w) => ({ wert: w, label: w.toUpperCase() })),
        },
        wert: 'b',
      };
    case 5:
      return { feld: { id, label, typ: 'janein', pflicht: true }, wert: true };
    case 6:
      return {
        feld: { id, label, typ: 'adresse', pflicht: true },
        wert: { strasse: 'Markt', hausnummer: '1', plz: '04109', ort: 'Leipzig' },
      };
    case 7:
      return { feld: { id, label, typ: 'email', pflicht: true }, wert: 'anna@example.org' };
    case 8:
      return { feld: { id, label, typ: 'iban', pflicht: true }, wert: 'DE89 3704 0044 0532 0130 00' };
    default:
      // Shown only when the yes/no question before it was answered "ja".
      return {
        feld: {
          id,
          label,
          typ: 'text',
          pflicht: true,
          bedingung: { wirkung: 'anzeigen', wenn: { feld: `f${i - 4}`, gleich: true } },
        },
        wert: 'bedingt',
      };
  }
}

const felder = Array.from({ length: anzahl - 1 }, (_, i) => feld(i));
const gruppe: Feld = {
  id: 'kinder',
  label: 'Kinder',
  typ: 'gruppe',
  pflicht: false,
  wiederholbar: { min: 0, max: 5 },
  felder: [{ id: 'vorname', label: 'Vorname', typ: 'text', pflicht: true }],
};
const definition: DefinitionEingabe = {
  format: 'amt24-formular/1',
  titel: 'Bench',
  abschnitte: [0, 1, 2, 3].map((a) => ({
    id: `a${a}`,
    titel: `Abschnitt ${a}`,
    felder: felder.slice(a * 25, (a + 1) * 25).map((f) => f.feld),
  })),
  prozess: {
    datenschutz: { text: 'Bench' },
    gebuehr: { art: 'keine' },
    zustellung: { modus: 'transfer-plain', ausgabeformat: 'json' },
    nachforderung: { erlaubt: false },
  },
};
definition.abschnitte[3]!.felder.push(gruppe);
const daten: Record<string, unknown> = Object.fromEntries(felder.map((f) => [f.feld.id, f.wert]));
daten.kinder = [{ vorname: 'Ida' }, { vorname: 'Max' }];

function ersteValidierung(hash: string): number {
  const t0 = performance.now();
  const p = pruefeDefinition(definition);
  if (!p.ok) throw new Error(JSON.stringify(p.befunde));
  const r = kompiliertFuer(hash, p.definition).validiere(daten);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
  return ms;
}

const hash = createHash('sha256').update(canonicalJson(definition)).digest('hex');
const firstMs = ersteValidierung(hash);
// Later first validations (other versions, warm JIT) say more than the very first one of the process.
const warmFirst: number[] = [];
for (let i = 0; i < 20; i++) warmFirst.push(ersteValidierung(`${hash}-${i}`));
const parsed = pruefeDefinition(definition);
if (!parsed.ok) throw new Error('definition invalid');
const cached: number[] = [];
for (let i = 0; i < runden; i++) {
  const t0 = performance.now();
  const r = kompiliertFuer(hash, parsed.definition).validiere(daten);
  cached.push(performance.now() - t0);
  if (!r.ok) throw new Error('cached validation failed');
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;
const round = (n: number) => Math.round(n * 1000) / 1000;

console.log(`Definition mit ${anzahl} Feldern (${felder.length} einfache, 1 wiederholbare Gruppe)`);
console.log(`erste Validierung (Format prüfen, kompilieren, validieren): ${round(firstMs)} ms`);
console.log(`erste Validierung, warm (Median von 20 Versionen): ${round(median(warmFirst))} ms`);
console.log(`Validierung mit Cache (Median, p99 von ${runden}): ${round(median(cached))} ms, ${round(p99(cached))} ms`);
console.log(
  JSON.stringify({
    bench: 'formular',
    felder: anzahl,
    ersteMs: round(firstMs),
    ersteWarmMedianMs: round(median(warmFirst)),
    cacheMedianMs: round(median(cached)),
    cacheP99Ms: round(p99(cached)),
    runden,
  }),
);
