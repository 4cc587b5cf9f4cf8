// A refused command travels from a workflow's update validator (or handler) to the API as an ApplicationFailure
// of one type, carrying the domain error code and German field messages; the API maps the code to an HTTP status.
import { ApplicationFailure } from '@temporalio/common';
import type { FieldError } from '../domain/field-errors';

export const REFUSAL_TYPE = 'Refused';

export interface Refusal {
  code: string;
  message: string;
  fieldErrors?: FieldError[];
}

export function refusal(error: Refusal): ApplicationFailure {
  const details: Refusal = error.fieldErrors
    ? { code: error.code, message: error.message, fieldErrors: error.fieldErrors }
    : { code: error.code, message: error.message };
  return ApplicationFailure.create({
    type: REFUSAL_TYPE,
    message: error.message,
    details: [details],
    nonRetryable: true,
  });
}

/** HTTP status of a refusal code: who you are (403), what does not exist (404), what you sent (400), the state (409). */
export function refusalStatus(code: string): 400 | 403 | 404 | 409 {
  switch (code) {
    case 'wrong-role':
    case 'wrong-mandant':
    case 'not-assignee':
      return 403;
    case 'unknown-task':
    case 'unknown-onlinedienst':
    case 'unknown-mandant':
      return 404;
    case 'invalid-fields':
    case 'invalid-command':
    case 'invalid-request':
    case 'invalid-report':
    case 'invalid-release':
      return 400;
    default:
      return 409;
  }
}
