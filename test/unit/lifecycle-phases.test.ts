import { describe, expect, it } from 'vitest';
import { checkTransition, nextPhase, PHASE_IDS, PHASES, ROLES } from '../../domain/onlinedienst/phases';

describe('phases', () => {
  it('has the nine phases in order and the roles', () => {
    expect(PHASE_IDS).toEqual([
      'klaerung',
      'auftakt',
      'prototyp',
      'test',
      'zertifizierung',
      'produktivsetzung',
      'aktivierung',
      'betrieb',
      'abschaltung',
    ]);
    expect(PHASE_IDS.map((p) => PHASES[p].nr)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(PHASES.test.label).toBe('Test, Verbesserung und Abnahme');
    expect(ROLES).toHaveLength(10);
  });

  it('allows the loops and guards shutdown and recertification', () => {
    expect(checkTransition('test', 'prototyp')).toMatchObject({ ok: true, rule: { kind: 'loop' } });
    expect(checkTransition('zertifizierung', 'prototyp')).toMatchObject({ ok: true, rule: { kind: 'loop' } });
    expect(checkTransition('betrieb', 'zertifizierung')).toMatchObject({ ok: true, rule: { kind: 'recertification' } });
    expect(checkTransition('zertifizierung', 'betrieb', { recertification: true })).toMatchObject({ ok: true });
    expect(checkTransition('zertifizierung', 'betrieb')).toMatchObject({ ok: false, code: 'transition-not-allowed' });
    expect(checkTransition('klaerung', 'test')).toMatchObject({ ok: false, code: 'transition-not-allowed' });
    expect(checkTransition('betrieb', 'abschaltung')).toMatchObject({ ok: true, rule: { kind: 'shutdown' } });
    expect(checkTransition('prototyp', 'abschaltung')).toMatchObject({ ok: false, code: 'decision-required' });
    expect(checkTransition('prototyp', 'abschaltung', { explicitDecision: true })).toMatchObject({
      ok: true,
      rule: { kind: 'abort' },
    });
    expect(checkTransition('abschaltung', 'betrieb').ok).toBe(false);
    expect(nextPhase('zertifizierung', false)).toBe('produktivsetzung');
    expect(nextPhase('zertifizierung', true)).toBe('betrieb');
    expect(nextPhase('betrieb', false)).toBeNull();
  });
});
