// Reading a recipient form: urlencoded or multipart only (RFC 8058 §3.2 allows both for one-click).

import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { AppError } from '../../core/errors.js';
import type { ConsentContext, ConsentSource } from '../../core/vocabulary.js';
import type { AppEnv } from '../env.js';
import { type FormFields, parseMultipart } from './multipart.js';

export type Form = FormFields;

const MAX_VALUES = 500;
const MAX_FIELD_CHARS = 1000;

export async function readForm(c: Context<AppEnv>): Promise<Form> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') {
    throw new AppError('unsupported_media_type', 'Send the form as application/x-www-form-urlencoded or multipart/form-data.');
  }
  try {
    const body = Buffer.from(await c.req.arrayBuffer());
    return type === 'multipart/form-data' ? await parseMultipart(c.req.header('content-type')!, body) : urlencoded(body);
  } catch {
    throw new AppError('malformed_body', 'The form could not be read.');
  }
}

// The WHATWG URL standard's parser: any charset parameter is ignored, as the standard says (UTF-8 only).
function urlencoded(body: Buffer): Form {
  const form: Form = {};
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    const seen = form[name];
    form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

/** One text field; a repeated field or an over-long value is not a value we sent. */
export function field(form: Form, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' && value.length <= MAX_FIELD_CHARS ? value : undefined;
}

/** Every text value of a repeatable field (checkboxes), bounded. */
export function fieldValues(form: Form, name: string): string[] {
  const value = form[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.slice(0, MAX_VALUES).filter((v) => v.length <= MAX_FIELD_CHARS);
}

/**
 * The client's address. Behind TRUSTED_PROXY_HOPS proxies it is that many entries from the right of
 * X-Forwarded-For (entries further left are whatever the client claimed); otherwise the socket's
 * address, none for an in-process request (tests).
 */
export function clientIp(c: Context<AppEnv>): string | undefined {
  const hops = c.var.deps.config.trustedProxyHops;
  if (hops > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const ip = chain[chain.length - hops];
    if (ip && ip.length <= 64) return ip;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Who changed consent from a page: the person, with their IP and user agent (GDPR Art. 7(1)). */
export function recipientActor(c: Context<AppEnv>, source: ConsentSource): ConsentContext {
  return { source, actor: 'recipient', ip: clientIp(c) ?? null, userAgent: c.req.header('user-agent')?.slice(0, 512) ?? null };
}
