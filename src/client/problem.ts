// The client's one error: an answer that was not 2xx, with its problem+json body (RFC 9457) when it had one.

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export class MailprefsError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem ? `${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}` : `HTTP ${status}`);
    this.name = 'MailprefsError';
  }
}

export async function problemOf(res: Response): Promise<MailprefsError> {
  const type = res.headers.get('content-type') ?? '';
  const problem = type.startsWith('application/problem+json') ? ((await res.json()) as Problem) : null;
  if (!problem) await res.body?.cancel();
  return new MailprefsError(res.status, problem);
}

/** The lines of an NDJSON answer, parsed, as they arrive. */
export async function* ndjson<T>(res: Response): AsyncGenerator<T> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += value;
    let nl = pending.indexOf('\n');
    while (nl !== -1) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) yield JSON.parse(line) as T;
      nl = pending.indexOf('\n');
    }
  }
  if (pending.trim()) yield JSON.parse(pending) as T;
}
