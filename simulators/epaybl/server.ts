// An ePayBL stand-in on a real socket: the SOAP operations our client sends, the pay page a citizen clicks through,
// bank transfers that arrive whenever a test says so, and the failures the real system shows (result codes,
// SOAP faults, slowness, lost replies, outages). It keeps its own codes, limits, XML and amount handling, written from ePayBL's
// documented behaviour, and imports nothing from the client, so a client bug is not mirrored here.
//
// The pieces: codes.ts, limits.ts and saldo.ts (ePayBL's vocabulary and rules), state.ts (what it remembers),
// protocol.ts with operations.ts and kassenzeichen.ts (SOAP), paypage.ts, control.ts and faults.ts (what tests do),
// wiring.ts (the server and the handle).
export { startEpayblSimulator } from './wiring';
export type {
  EpayblSimulator,
  EpayblSimulatorOptions,
  OutageMode,
  SimFaults,
  SimKassenzeichenView,
  SimZahlung,
  SoapFaultCode,
} from './types';
