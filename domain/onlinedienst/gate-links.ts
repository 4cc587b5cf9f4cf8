// Where a gate finding is fixed: each finding names the web UI page on which the Mandant (or the Prozesseigner)
// maintains what it misses. The workflow's report carries no links (they are no part of its history); the API adds
// them to every report it hands out.
import type { GateActivation, GateFailureCode } from './gate-check';
import type { GateReport } from './gate-report';

const enc = encodeURIComponent;

export const mandantPage = (mandantId: string, anchor = '') => `/mandanten/${enc(mandantId)}${anchor}`;
export const oePage = (mandantId: string, oeId: string, anchor = '') =>
  `/mandanten/${enc(mandantId)}/organisationseinheiten/${enc(oeId)}${anchor}`;
export const aktivierungPage = (onlinedienstId: string, mandantId: string, anchor = '') =>
  `/onlinedienste/${enc(onlinedienstId)}/aktivierungen/${enc(mandantId)}${anchor}`;

/** The page that fixes one finding of an activation. */
export function gateFindingLink(onlinedienstId: string, a: GateActivation, code: GateFailureCode): string {
  const m = a.mandantId;
  switch (code) {
    case 'organisationseinheit-missing':
      return mandantPage(m, `?neueOe=${enc(a.zustaendigeStelleId)}#oe-neu`);
    case 'leistung-not-linked':
      return oePage(m, a.zustaendigeStelleId, '#zustaendigkeiten');
    case 'behoerdenkonto-not-channel':
    case 'behoerdenkonto-inactive':
      return oePage(m, a.zustaendigeStelleId, '#kanal');
    case 'behoerdenkonto-missing':
      return mandantPage(m, '#behoerdenkonten');
    case 'impressum-missing':
    case 'logo-missing':
    case 'datenschutzbeauftragter-missing':
    case 'mandant-missing':
      return mandantPage(m, '#stammdaten');
    // The activation names a Leistung that does not exist or another Mandant's OE: record it anew.
    case 'leistung-missing':
    case 'organisationseinheit-other-mandant':
      return aktivierungPage(onlinedienstId, m, '#erfassen');
    // A required Prozessparameter the process declares has no value yet: maintained on the activation's page.
    case 'prozessparameter-missing':
      return aktivierungPage(onlinedienstId, m, '#prozessparameter');
  }
}

type Activation = GateReport['activations'][number];

export type LinkedGateReport = Omit<GateReport, 'activations' | 'failures'> & {
  activations: Array<
    Omit<Activation, 'failures'> & { failures: Array<Activation['failures'][number] & { link: string }> }
  >;
  failures: Array<GateReport['failures'][number] & { link: string }>;
};

/** The report with the fixing page at every finding. */
export function withGateLinks(onlinedienstId: string, report: GateReport): LinkedGateReport {
  return {
    ...report,
    failures: report.failures.map((f) => ({
      ...f,
      link:
        f.mandantId !== undefined
          ? aktivierungPage(onlinedienstId, f.mandantId, '#erfassen')
          : `/onlinedienste/${enc(onlinedienstId)}#akt-h`,
    })),
    activations: report.activations.map((a) => ({
      ...a,
      failures: a.failures.map((f) => ({ ...f, link: gateFindingLink(onlinedienstId, a, f.code) })),
    })),
  };
}
