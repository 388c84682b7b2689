import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELIGIBLE_REASONS, EXPECTED, seedEveryReason } from '../support/eligibility-seed.js';
import { type Harness, makeHarness, testDialects } from '../support/harness.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };

function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.each(testDialects())('streaming eligibility (NDJSON) on %s', (dialect) => {
  let h: Harness;
  let reader: string;
  const post = (body: string | ReadableStream<Uint8Array>, key = reader) =>
    h.app.request('/v1/eligibility', { method: 'POST', headers: { ...NDJSON, authorization: `Bearer ${key}` }, body, duplex: 'half' } as RequestInit);

  beforeAll(async () => {
    h = await makeHarness(dialect);
    await seedEveryReason(h);
    reader = await h.key('eligibility:read');
  });
  afterAll(() => h.close());

  it('answers every reason, one line per input line, in order, strings and objects alike', async () => {
    const news = EXPECTED.filter((e) => e[1] === 'news');
    const body = `${['{"category":"news"}', ...news.map(([email], i) => JSON.stringify(i % 2 ? email : { email }))].join('\n')}\n`;
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(parseLines(await res.text())).toEqual(news.map(([email, , reason]) => ({ email, eligible: ELIGIBLE_REASONS.has(reason), reason })));
  });

  it('streams 50,000 lines, answering before the input ends', async () => {
    const total = 50_000;
    const encoder = new TextEncoder();
    let produced = 0;
    let producedWhenFirstAnswer = -1;
    const input = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(encoder.encode('{"category":"news"}\r\n'));
      },
      pull(c) {
        if (produced >= total) return c.close();
        let text = '';
        for (let i = 0; i < 500; i++, produced++) text += `"${produced % 97 === 0 ? 'SUB@example.com' : `s${produced}@example.com`}"\r\n`;
        c.enqueue(encoder.encode(text));
      },
    });
    const res = await post(input);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (producedWhenFirstAnswer < 0) producedWhenFirstAnswer = produced;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const lines = parseLines(text);
    expect(lines).toHaveLength(total);
    lines.forEach((line, i) => {
      if (i % 97 === 0) expect(line).toEqual({ email: 'SUB@example.com', eligible: true, reason: 'subscribed' });
      else expect(line).toEqual({ email: `s${i}@example.com`, eligible: false, reason: 'unknown_recipient' });
    });
    expect(producedWhenFirstAnswer).toBeGreaterThan(0);
    expect(producedWhenFirstAnswer).toBeLessThan(total);
  });

  it('answers unreadable lines in place and carries on', async () => {
    const body = [
      '{"category":"news"}',
      '"sub@example.com"',
      '{"email":',
      '42',
      '{"mail":"sub@example.com"}',
      'null',
      '["sub@example.com"]',
      '',
      '   ',
      `"${'x'.repeat(5000)}@example.com"`,
      '"not-an-email"',
      '"sub@example.com\\r\\nBcc: victim@example.com"',
      '{"email":"sub@example.com","note":"<script>alert(1)</script>"}',
      '"sub@example.com"',
    ].join('\r\n');
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(parseLines(await res.text())).toEqual([
      { email: 'sub@example.com', eligible: true, reason: 'subscribed' },
      { line: 3, error: 'not valid JSON' },
      { line: 4, error: 'expected a JSON string or {"email": "…"}' },
      { line: 5, error: 'expected a JSON string or {"email": "…"}' },
      { line: 6, error: 'expected a JSON string or {"email": "…"}' },
      { line: 7, error: 'expected a JSON string or {"email": "…"}' },
      { line: 10, error: 'line longer than 1024 characters' },
      { email: 'not-an-email', eligible: false, reason: 'invalid_email' },
      { email: 'sub@example.com\r\nBcc: victim@example.com', eligible: false, reason: 'invalid_email' },
      { email: 'sub@example.com', eligible: true, reason: 'subscribed' },
      { email: 'sub@example.com', eligible: true, reason: 'subscribed' },
    ]);
  });

  it('bounds a line that never ends instead of buffering it', async () => {
    const endless = `{"category":"news"}\n"sub@example.com"\n"${'y'.repeat(3 * 1024 * 1024)}`;
    const res = await post(endless);
    expect(res.status).toBe(200);
    expect(parseLines(await res.text())).toEqual([
      { email: 'sub@example.com', eligible: true, reason: 'subscribed' },
      { line: 3, error: 'line longer than 1024 characters' },
    ]);
  });

  it('answers no lines for a header alone', async () => {
    const res = await post('{"category":"digest"}');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it.each([
    ['an empty body', '', 400],
    ['a first line that is not JSON', 'category=news\n"sub@example.com"\n', 400],
    ['a first line that is too long', `{"category":"${'n'.repeat(2000)}"}\n`, 400],
    ['a first line that is an address', '"sub@example.com"\n', 422],
    ['a first line without category', '{"cat":"news"}\n', 422],
    ['an unknown category', '{"category":"nope"}\n"sub@example.com"\n', 404],
    ['an injection in the category', `{"category":"news' OR '1'='1"}\n`, 404],
  ])('answers %s with a 4xx before streaming', async (_label, body, status) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('needs eligibility:read', async () => {
    const writer = await h.key('recipients:write');
    expect((await post('{"category":"news"}\n"sub@example.com"\n', writer)).status).toBe(403);
    expect((await post('{"category":"news"}\n', 'mp_bad')).status).toBe(401);
  });
});
