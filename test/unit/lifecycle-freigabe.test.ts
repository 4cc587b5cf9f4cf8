// The Projektleitung's Freigabe before the Produktivsetzung: the rollout ticket can only be requested once it is
// given; a refusal sends the Onlinedienst back to the prototype; lifecycles started before the rule keep their path.
import { describe, expect, it } from 'vitest';
import { completeTask, createLifecycle } from '../../domain/onlinedienst/tasks';
import { ACTORS, CONTEXT, done, driveTo, H, T0 } from './lifecycle-fixtures';

const mitFreigabe = () => createLifecycle({ ...CONTEXT, freigabeDurchProjektleitung: true }, 'pe-1', T0);

describe('Freigabe der Produktivsetzung', () => {
  it('opens only the Projektleitung’s Freigabe on entering the Produktivsetzung, then the ticket request', () => {
    const s = driveTo('produktivsetzung', mitFreigabe());
    expect(s.openTasks.map((x) => `${x.id}/${x.role}`)).toEqual(['produktivsetzung-freigeben/projektleitung']);
    const early = completeTask(s, 'uebernahme-beantragen', ACTORS.prozesseigner, {}, T0 + 100 * H);
    expect(early).toMatchObject({ ok: false });
    const r = done(s, 'produktivsetzung-freigeben', T0 + 100 * H);
    expect(r.transition).toBeNull();
    expect(r.opened.map((x) => `${x.id}/${x.role}`)).toEqual(['uebernahme-beantragen/prozesseigner']);
  });

  it('sends a refused Freigabe back to the prototype with its reason, and asks for the reason', () => {
    const s = driveTo('produktivsetzung', mitFreigabe());
    const noReason = completeTask(
      s,
      'produktivsetzung-freigeben',
      ACTORS.projektleitung,
      { entscheidung: 'verweigert', zertifizierungGeprueft: true },
      T0 + 100 * H,
    );
    expect(noReason).toMatchObject({ ok: false, error: { fieldErrors: [{ path: 'begruendung' }] } });
    const r = done(s, 'produktivsetzung-freigeben', T0 + 100 * H, {
      entscheidung: 'verweigert',
      zertifizierungGeprueft: true,
      begruendung: 'Supportkanäle fehlen',
    });
    expect(r.transition).toMatchObject({
      from: 'produktivsetzung',
      to: 'prototyp',
      kind: 'loop',
      reason: 'Produktivsetzung nicht freigegeben: Supportkanäle fehlen',
    });
  });

  it('keeps a lifecycle started before the rule on its old path: the ticket request opens at once', () => {
    const s = driveTo('produktivsetzung');
    expect(s.openTasks.map((x) => x.id)).toEqual(['uebernahme-beantragen']);
  });
});
