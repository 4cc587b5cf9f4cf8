// The FIT-Connect client, one module to import. Inside: contract.ts (protocol constants and the shapes activities
// use), sender.ts (the steps of one send and its resumption), http.ts (OAuth2 and requests), crypto.ts (hashes,
// attachment ids, JWE, key checks), submission.ts (attachments and metadata), event-log.ts (signed events and the
// status they tell), callback.ts (callback HMAC).
export {
  FIT_CONNECT_EVENTS,
  JWE_ALG,
  JWE_ENC,
  METADATA_SCHEMA,
  SET_ALG,
  SET_SCHEMA,
  SET_TYP,
  type DestinationInfo,
  type FitConnectClientConfig,
  type FitConnectDeliveryResult,
  type FitConnectStatus,
  type FitConnectTarget,
  type PaymentInformation,
  type PlannedAttachment,
  type PreparedSubmission,
  type Problem,
  type ReplyChannel,
  type SenderSubmissionView,
  type SubmissionRef,
  type SubmissionStatus,
  type VerifiedEvent,
} from './contract';
export {
  CALLBACK_NEW_EVENTS,
  CALLBACK_NEW_SUBMISSIONS,
  signCallback,
  verifyCallback,
  type CallbackVerification,
} from './callback';
export { fitConnectAttachmentId, jweAuthenticationTag } from './crypto';
export { FitConnectSender } from './sender';
export { paymentInformation, type PaidClaim } from './payment';
