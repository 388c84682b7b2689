// A stand-in for Resend's HTTP API on 127.0.0.1, driven through the real SDK (via its baseUrl option).
// It records what arrives, keeps idempotency keys like Resend does, and can be told to fail.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedCall {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  idempotencyKey: string | undefined;
  /** When it arrived (performance.now()), to check pacing. */
  at: number;
  emails: { from: string; to: string[]; subject: string; html: string; text: string; headers?: Record<string, string> }[];
}

export interface FakeResend {
  readonly url: string;
  /** Every accepted call (a replayed idempotency key is not counted twice). */
  readonly calls: ReceivedCall[];
  /** Every request that arrived, including failed and replayed ones. */
  readonly requests: number;
  /** The next `times` requests answer `status` (with Retry-After when given). */
  failNext(status: number, times?: number, retryAfter?: string): void;
  /**
   * Resend refuses mail to this address with a validation_error: the whole batch in strict mode (and
   * in permissive mode too when `strictOnly`, as an older API would), only that email in permissive mode.
   */
  refuse(address: string, opts?: { strictOnly?: boolean }): void;
  /** Time spent handling requests, in ms (for the benchmark). */
  busyMs(): number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface FakeResendOptions {
  /** Each answer waits this long, as a provider far away would (for tests of work in flight). */
  delayMs?: number;
}

export async function startFakeResend(opts: FakeResendOptions = {}): Promise<FakeResend> {
  const calls: ReceivedCall[] = [];
  const answers = new Map<string, string>();
  const failures: { status: number; retryAfter?: string | undefined }[] = [];
  let requests = 0;
  let nextId = 1;
  let busy = 0;
  const refused = new Set<string>();
  let strictOnly = false;

  const server: Server = createServer(async (req, res) => {
    const started = performance.now();
    requests++;
    const body = await readBody(req);
    if (opts.delayMs) await new Promise((done) => setTimeout(done, opts.delayMs));
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
      busy += performance.now() - started;
    };
    const failure = failures.shift();
    if (failure) {
      const name = failure.status === 429 ? 'rate_limit_exceeded' : failure.status >= 500 ? 'internal_server_error' : 'validation_error';
      return send(
        failure.status,
        { statusCode: failure.status, name, message: 'scripted failure' },
        failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
      );
    }
    if (req.headers.authorization !== 'Bearer re_test_key') return send(401, { statusCode: 401, name: 'invalid_api_key', message: 'bad key' });
    const key = req.headers['idempotency-key'] as string | undefined;
    if (key && answers.has(key)) return send(200, JSON.parse(answers.get(key)!));
    const parsed = JSON.parse(body) as ReceivedCall['emails'][number] | ReceivedCall['emails'];
    const emails = Array.isArray(parsed) ? parsed : [parsed];
    if (req.url === '/emails/batch' && emails.length > 100) return send(422, { statusCode: 422, name: 'validation_error', message: 'at most 100' });
    const bad = emails.flatMap((e, index) => (e.to.some((to) => refused.has(to)) ? [{ index, message: 'Invalid `to` field.' }] : []));
    const permissive = req.url === '/emails/batch' && req.headers['x-batch-validation'] === 'permissive' && !strictOnly;
    if (bad.length > 0 && !permissive) return send(422, { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' });
    const good = emails.filter((_, i) => !bad.some((b) => b.index === i));
    calls.push({ path: req.url ?? '', headers: req.headers, idempotencyKey: key, emails: good, at: started });
    const ids = good.map(() => `fake-${nextId++}`);
    const answer = req.url === '/emails/batch' ? { data: ids.map((id) => ({ id })), ...(permissive && { errors: bad }) } : { id: ids[0] };
    if (key) answers.set(key, JSON.stringify(answer));
    send(200, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get requests() {
      return requests;
    },
    failNext: (status, times = 1, retryAfter) => {
      for (let i = 0; i < times; i++) failures.push({ status, retryAfter });
    },
    refuse: (address, opts = {}) => {
      refused.add(address);
      strictOnly = opts.strictOnly ?? false;
    },
    busyMs: () => busy,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
