// Our HMAC on the pay page's back-links (ePayBL does not sign them): pure, no simulator needed.
import { describe, expect, it } from 'vitest';
import { backlinkHmac, createBacklink, verifyBacklink } from '../../integrations/epaybl/backlink';

const SECRET = 'backlink-secret-for-tests';
const RETURN_URL = 'https://amt24.test/zahlung/zurueck?vorgang=V-2024-0001';

describe('back-link HMAC', () => {
  const data = {
    result: 'success' as const,
    kassenzeichen: '420000000001',
    eShopTransaktionsNr: 'TX1',
    betragCent: 1234,
  };

  it('verifies its own links, including parameters of the return URL', () => {
    const link = createBacklink(RETURN_URL, SECRET, data);
    expect(verifyBacklink(link, [SECRET])).toEqual({
      ...data,
      params: expect.objectContaining({ vorgang: 'V-2024-0001' }),
    });
    expect(new URL(link).searchParams.get('sig')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['amount', (u: URL) => u.searchParams.set('betragCent', '1')],
    ['Kassenzeichen', (u: URL) => u.searchParams.set('kassenzeichen', '420000000002')],
    ['result', (u: URL) => u.searchParams.set('epResult', 'abort')],
    ['Vorgang of the return URL', (u: URL) => u.searchParams.set('vorgang', 'V-2024-0002')],
    ['an added parameter', (u: URL) => u.searchParams.append('extra', '1')],
    ['missing signature', (u: URL) => u.searchParams.delete('sig')],
    ['second signature', (u: URL) => u.searchParams.append('sig', 'x')],
  ])('rejects a link with a changed %s', (_what, change) => {
    const url = new URL(createBacklink(RETURN_URL, SECRET, data));
    change(url);
    expect(verifyBacklink(url, [SECRET])).toBeNull();
  });

  it('rejects another secret and does not depend on parameter order', () => {
    const link = createBacklink(RETURN_URL, SECRET, data);
    expect(verifyBacklink(link, ['other-secret'])).toBeNull();
    const a = new URLSearchParams([
      ['b', '2'],
      ['a', '1'],
    ]);
    const b = new URLSearchParams([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(backlinkHmac(SECRET, a)).toBe(backlinkHmac(SECRET, b));
    expect(backlinkHmac(SECRET, new URLSearchParams('a=1&b=2'))).not.toBe(
      backlinkHmac(SECRET, new URLSearchParams('a=1b&=2')),
    );
  });
});
