// The external systems' clients, from configuration: the real endpoints when configured, otherwise the loopback
// simulators `npm start` runs. One place decides, so API, worker and scripts agree.
import { EpayblSoapClient } from '../integrations/epaybl/soap-client';
import { FitConnectSender } from '../integrations/fitconnect/client';
import type { Config } from '../runtime/config';

export const FITCONNECT_SIM_SENDER = { clientId: 'amt24-sender', clientSecret: 'amt24-sender-dev-secret' };
/** The simulator's callbacks to `npm start`'s API are signed with this unless FITCONNECT_CALLBACK_SECRET is set. */
export const FITCONNECT_SIM_CALLBACK_SECRET = 'amt24-fitconnect-callback-dev-secret-0123456789';

export function epayblBaseUrl(config: Config): string {
  return config.epaybl.url ?? `http://127.0.0.1:${config.epaybl.simulatorPort}`;
}

export function createEpaybl(config: Config): EpayblSoapClient {
  if (config.epaybl.url) {
    return new EpayblSoapClient({
      endpoint: config.epaybl.url,
      paypageUrl: config.epaybl.paypageUrl ?? new URL('/paypage/login.do', config.epaybl.url).toString(),
      cert: config.epaybl.clientCert,
      key: config.epaybl.clientKey,
      ca: config.epaybl.ca,
    });
  }
  const base = epayblBaseUrl(config);
  return new EpayblSoapClient({ endpoint: `${base}/soap/servlet/rpcrouter`, paypageUrl: `${base}/paypage/login.do` });
}

export function createFitConnect(config: Config): FitConnectSender {
  const fc = config.fitconnect;
  if (fc.tokenUrl) {
    return new FitConnectSender({
      tokenUrl: fc.tokenUrl,
      submissionApiUrl: fc.submissionUrl ?? new URL('/', fc.tokenUrl).toString().replace(/\/$/, ''),
      clientId: fc.clientId!,
      clientSecret: fc.clientSecret!,
      apiPrefix: fc.apiPrefix,
    });
  }
  const base = `http://127.0.0.1:${fc.simulatorPort}`;
  return new FitConnectSender({
    tokenUrl: `${base}/token`,
    submissionApiUrl: base,
    apiPrefix: fc.apiPrefix,
    ...FITCONNECT_SIM_SENDER,
  });
}
