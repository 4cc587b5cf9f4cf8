// A FIT-Connect Submission API (plus its OAuth token endpoint) as a real HTTP server on loopback. It plays both
// the service and, through the subscriber API and control methods, the authority: it holds each destination's
// private keys so the "authority side" can decrypt and sign accept/reject events.
// Deliberately shares no code with our client, so a misunderstanding of the protocol shows up as a failing test.
//
// The pieces: vocabulary.ts and limits.ts (FIT-Connect's names and numbers), state.ts (what the service holds),
// auth.ts (OAuth), protocol.ts with submissions.ts (the Submission API), events.ts (the signed event log),
// callbacks.ts, deadlines.ts (reminder and auto-reject), authority.ts and control.ts (what tests do), wiring.ts.
export { startFitConnectSimulator } from './wiring';
export type {
  CallbackDelivery,
  DecryptedSubmission,
  FitConnectSimulator,
  FitConnectSimulatorOptions,
  OutageMode,
  SimClient,
  SimDestination,
  SimDestinationInput,
  SimDestinationStatus,
  SimProblem,
  SimService,
  SimSubmissionStatus,
} from './types';
