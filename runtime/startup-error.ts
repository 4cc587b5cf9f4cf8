/**
 * A local server cannot start for a reason the person starting it can fix. The message is one sentence: what
 * failed, why, and which variable or folder to change. `npm start` prints it as it is, without a stack trace.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
