// Failures a test switches on: result codes, lost replies, slowness and outages.
import type { SimOperation } from './codes';
import type { OutageMode, SimFaults, SoapFaultCode } from './types';

export class Faults {
  state: SimFaults = { failNext: [], dropReply: [], soapFault: [], latencyMs: {}, outage: false };
  private outageEnd: NodeJS.Timeout | undefined;

  /** The injected result code for this call, if one is due. */
  takeFailure(operation: SimOperation): { code: string } | undefined {
    return take(this.state.failNext, operation);
  }

  /** The injected SOAP fault for this call, if one is due. */
  takeSoapFault(operation: SimOperation): { faultcode: SoapFaultCode } | undefined {
    return take(this.state.soapFault, operation);
  }

  /** Whether this call's reply is to be lost. */
  takeDrop(operation: SimOperation): boolean {
    return take(this.state.dropReply, operation) !== undefined;
  }

  latencyFor(operation: SimOperation): number {
    return (this.state.latencyMs[operation] ?? 0) + (this.state.latencyMs['*'] ?? 0);
  }

  get outage(): OutageMode {
    return this.state.outage;
  }

  clear(): void {
    this.state.failNext = [];
    this.state.dropReply = [];
    this.state.soapFault = [];
    this.state.latencyMs = {};
  }

  snapshot(): SimFaults {
    return structuredClone(this.state);
  }

  /** Ends the current outage after `ms` by calling `end`; a new outage or close() cancels it. */
  endOutageAfter(ms: number, end: () => void): void {
    this.cancelOutageEnd();
    this.outageEnd = setTimeout(end, ms);
  }

  cancelOutageEnd(): void {
    clearTimeout(this.outageEnd);
    this.outageEnd = undefined;
  }
}

function take<T extends { operation: SimOperation | '*'; remaining: number }>(
  list: T[],
  operation: SimOperation,
): T | undefined {
  const i = list.findIndex((f) => f.operation === operation || f.operation === '*');
  const f = list[i];
  if (!f) return undefined;
  if (--f.remaining <= 0) list.splice(i, 1);
  return f;
}
