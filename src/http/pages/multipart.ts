// multipart/form-data for the recipient forms, through @fastify/busboy rather than the Fetch API's
// formData(): RFC 8058 one-click POSTs come from mailbox providers and mail libraries that write
// multipart in more ways than undici accepts (unquoted parameter values, a preamble before the first
// boundary; RFC 2046 §5.1.1 allows both). Only text fields are kept; a file part is drained and dropped.
import { Busboy } from '@fastify/busboy';

export type FormFields = Record<string, string | string[]>;

/** Bounds that no form of ours comes near (the body itself is capped by the page guard). */
const LIMITS = { fields: 1000, fieldNameSize: 200, fieldSize: 64 * 1024, files: 20, parts: 1020 };

/**
 * RFC 2046 requires CRLF line breaks, yet some senders write bare LF throughout. A lone LF becomes CRLF
 * before parsing; the fields we read are short text, so nothing binary is changed that we would use.
 */
export function withCrlf(body: Buffer): Buffer {
  if (!body.includes(0x0a)) return body;
  return Buffer.from(body.toString('latin1').replace(/(?<!\r)\n/g, '\r\n'), 'latin1');
}

export function parseMultipart(contentType: string, body: Buffer): Promise<FormFields> {
  return new Promise((done, fail) => {
    const fields: FormFields = {};
    let parser: InstanceType<typeof Busboy>;
    try {
      parser = new Busboy({ headers: { 'content-type': contentType }, limits: LIMITS, defCharset: 'utf8' });
    } catch (err) {
      fail(err);
      return;
    }
    parser.on('field', (name: string, value: string) => {
      const seen = fields[name];
      fields[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    });
    parser.on('file', (_name: string, stream: NodeJS.ReadableStream) => stream.resume());
    parser.on('error', fail);
    parser.on('finish', () => done(fields));
    parser.end(withCrlf(body));
  });
}
