// RFC 8058 §3.2: every well-formed body that carries List-Unsubscribe=One-Click unsubscribes, however
// the mailbox provider or mail library wrote it: urlencoded with a charset or extra fields, multipart
// with unquoted names, a preamble and epilogue, bare LF line ends, part headers (RFC 2046 §5.1.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, testDialects } from '../support/harness.js';
import { addRecipient, eventsOf, linksFor, pathOf, seededHarness, stateOf } from '../support/page-fixtures.js';

const part = (disposition: string, value = 'One-Click', eol = '\r\n', extra = '') => `Content-Disposition: ${disposition}${eol}${extra}${eol}${value}`;

/** A multipart body from parts, with the boundary `b0und`, ending as given. */
function multipart(parts: string[], opts: { eol?: string; preamble?: string; epilogue?: string } = {}): string {
  const eol = opts.eol ?? '\r\n';
  const start = opts.preamble === undefined ? '' : `${opts.preamble}${eol}`;
  return `${start}--b0und${eol}${parts.join(`${eol}--b0und${eol}`)}${eol}--b0und--${opts.epilogue ?? eol}`;
}

const MULTIPART = 'multipart/form-data; boundary=b0und';
const VARIANTS: [string, string, string][] = [
  ['urlencoded', 'application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click'],
  ['urlencoded with a charset', 'application/x-www-form-urlencoded; charset=UTF-8', 'List-Unsubscribe=One-Click'],
  ['urlencoded, upper-case type', 'Application/X-WWW-Form-URLEncoded', 'List-Unsubscribe=One-Click'],
  ['urlencoded with extra fields', 'application/x-www-form-urlencoded', 'from=gmail&List-Unsubscribe=One-Click&x=%00'],
  ['urlencoded, percent-encoded', 'application/x-www-form-urlencoded', 'List%2DUnsubscribe=One%2DClick'],
  ['urlencoded with a trailing CRLF', 'application/x-www-form-urlencoded', 'List-Unsubscribe=One-Click\r\n'],
  ['multipart, quoted name', MULTIPART, multipart([part('form-data; name="List-Unsubscribe"')])],
  ['multipart, unquoted name', MULTIPART, multipart([part('form-data; name=List-Unsubscribe')])],
  [
    'multipart, preamble and epilogue',
    MULTIPART,
    multipart([part('form-data; name="List-Unsubscribe"')], { preamble: 'This is a MIME message.', epilogue: '\r\nbye\r\n' }),
  ],
  ['multipart, bare LF', MULTIPART, multipart([part('form-data; name="List-Unsubscribe"', 'One-Click', '\n')], { eol: '\n' })],
  ['multipart, bare LF, unquoted, preamble', MULTIPART, multipart([part('form-data; name=List-Unsubscribe', 'One-Click', '\n')], { eol: '\n', preamble: 'x' })],
  ['multipart, no line end after the close', MULTIPART, multipart([part('form-data; name="List-Unsubscribe"')], { epilogue: '' })],
  ['multipart, charset on the type', 'multipart/form-data; charset=utf-8; boundary="b0und"', multipart([part('form-data; name="List-Unsubscribe"')])],
  [
    'multipart, part Content-Type with charset',
    MULTIPART,
    multipart([part('form-data; name="List-Unsubscribe"', 'One-Click', '\r\n', 'Content-Type: text/plain; charset=utf-8\r\n')]),
  ],
  [
    'multipart, lower-case part headers',
    MULTIPART,
    multipart([part('form-data; NAME="List-Unsubscribe"').replace('Content-Disposition', 'content-disposition')]),
  ],
  [
    'multipart with extra fields and a file',
    MULTIPART,
    multipart([
      part('form-data; name="source"', 'provider'),
      part('form-data; name="attachment"; filename="a.txt"', 'hello\r\n--not-the-boundary', '\r\n', 'Content-Type: text/plain\r\n'),
      part('form-data; name="List-Unsubscribe"'),
    ]),
  ],
];

describe.each(testDialects())('RFC 8058 one-click bodies on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await seededHarness(dialect);
  });
  afterAll(() => h.close());

  async function subscribed(email: string) {
    const id = await addRecipient(h, email, { newsletter: 'subscribed' });
    return { id, path: pathOf((await linksFor(h, email, 'newsletter')).oneClickUrl!) };
  }

  it.each(VARIANTS.map((v, i) => [i, ...v] as const))('%i: %s unsubscribes with a short 200', async (i, _name, type, body) => {
    const { id, path } = await subscribed(`variant${i}@example.com`);
    // A cross-site Origin: a mailbox provider's own (RFC 8058 §3.2 needs no same-origin check).
    const res = await h.app.request(path, { method: 'POST', body, headers: { 'content-type': type, origin: 'https://mail.example.net' } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.text()).toBe('You are unsubscribed.');
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'unsubscribed' } });
    expect((await eventsOf(h, id)).filter((e) => e.source === 'one_click')).toHaveLength(1);
  });

  it('a multipart body written by the Fetch API client unsubscribes', async () => {
    const { id, path } = await subscribed('formdata@example.com');
    const body = new FormData();
    body.append('List-Unsubscribe', 'One-Click');
    expect((await h.app.request(path, { method: 'POST', body })).status).toBe(200);
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'unsubscribed' } });
  });

  it.each([
    ['a boundary that never appears', MULTIPART.replace('b0und', 'other'), multipart([part('form-data; name="List-Unsubscribe"')])],
    ['no boundary parameter', 'multipart/form-data', multipart([part('form-data; name="List-Unsubscribe"')])],
    ['a cut body', MULTIPART, multipart([part('form-data; name="List-Unsubscribe"')]).slice(0, 30)],
  ])('a malformed multipart body (%s) is a 400 and changes nothing', async (_name, type, body) => {
    const { id, path } = await subscribed(`bad-${_name.length}-${type.length}-${body.length}@example.com`);
    const res = await h.app.request(path, { method: 'POST', body, headers: { 'content-type': type } });
    expect(res.status).toBe(400);
    expect(await stateOf(h, id)).toEqual({ optOut: false, subs: { newsletter: 'subscribed' } });
  });
});
