import { describe, expect, it } from 'vitest';
import { canonicalJson, pruefeDefinition } from '../../domain/formular/definition';
import { DEMO_DEFINITIONEN } from '../../domain/formular/demo-definitionen';
import { beispiel } from './formular-fixtures';

describe('form definition format', () => {
  it('accepts the demo definitions and fills in defaults', () => {
    for (const d of DEMO_DEFINITIONEN) {
      const r = pruefeDefinition(d.definition);
      expect(r.ok, d.onlinedienstId).toBe(true);
    }
    const r = pruefeDefinition(beispiel());
    expect(r.ok && r.definition.prozess.fristen).toEqual({});
  });

  it('names every format error by its JSON pointer', () => {
    const def = beispiel() as any;
    def.abschnitte[0].felder[1].typ = 'ankreuzen';
    def.abschnitte[0].felder[0].maxLaenge = 'viel';
    def.abschnitte[0].felder[2].farbe = 'rot';
    def.prozess.zustellung.modus = 'brieftaube';
    const r = pruefeDefinition(def);
    expect(r.ok).toBe(false);
    const pfade = r.ok ? [] : r.befunde.map((b) => b.pfad).sort();
    expect(pfade).toEqual([
      '/abschnitte/0/felder/0/maxLaenge',
      '/abschnitte/0/felder/1/typ',
      '/abschnitte/0/felder/2/farbe',
      '/prozess/zustellung/modus',
    ]);
  });

  it('refuses a pattern that is no regular expression, at its pointer', () => {
    const def = beispiel() as any;
    def.abschnitte[0].felder[0].muster = '([a-z';
    const r = pruefeDefinition(def);
    expect(r.ok ? [] : r.befunde.map((b) => [b.pfad, b.regel])).toEqual([['/abschnitte/0/felder/0/muster', 'muster']]);
  });

  it('hashes the same content the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});
