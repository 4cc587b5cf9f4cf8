// The SOAP 1.1 envelope around one operation, and what a reply means before its content is read: unreadable,
// a fault (Server faults may succeed on retry, Client faults are our bug), an unexpected status, or a <return>.
import { EpayblError, TRANSPORT_CODES, type EpayblOperation } from './types';
import { child, parseXml, text, type XmlValue } from './xml';

export const EPAYBL_NAMESPACE = 'http://www.bff.bund.de/ePayment';
const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

export function buildEnvelope(operation: EpayblOperation, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENVELOPE_NS}">` +
    '<soapenv:Header/>' +
    `<soapenv:Body><${operation} xmlns="${EPAYBL_NAMESPACE}">${body}</${operation}></soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

/** The content of the reply's <return> element; throws EpayblError for anything else. */
export function unwrapReply(operation: EpayblOperation, reply: { status: number; text: string }): XmlValue {
  let soapBody: XmlValue | undefined;
  try {
    soapBody = child(parseXml(reply.text), 'Envelope', 'Body');
  } catch (err) {
    throw new EpayblError({
      operation,
      code: reply.status === 200 ? TRANSPORT_CODES.INVALID_RESPONSE : `HTTP_${reply.status}`,
      message: `unreadable reply (HTTP ${reply.status})`,
      cause: err,
    });
  }
  const fault = child(soapBody, 'Fault');
  if (fault !== undefined) {
    const faultcode = text(fault, 'faultcode') ?? '';
    throw new EpayblError({
      operation,
      code: TRANSPORT_CODES.SOAP_FAULT,
      message: `${faultcode} ${text(fault, 'faultstring') ?? ''}`.trim(),
      // SOAP 1.1: a Server fault may succeed on retry, a Client fault is our bug.
      retryable: /(^|:)Server/.test(faultcode),
    });
  }
  if (reply.status !== 200) {
    throw new EpayblError({ operation, code: `HTTP_${reply.status}`, message: 'unexpected HTTP status' });
  }
  const ret = child(soapBody, `${operation}Response`, 'return');
  if (ret === undefined) {
    throw new EpayblError({
      operation,
      code: TRANSPORT_CODES.INVALID_RESPONSE,
      message: `reply has no ${operation}Response/return`,
    });
  }
  return ret;
}
