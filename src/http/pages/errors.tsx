// The one place where what a page handler threw becomes a readable HTML page with the right status
// (the same table as the API's problem+json, src/http/problem.ts). An invalid link of any kind is a 404
// that offers a fresh link, never a hint about which part was wrong.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, type ErrorCode } from '../../core/errors.js';
import type { Messages } from '../../i18n/index.js';
import type { AppEnv } from '../env.js';
import { logUnexpected, STATUS, toAppError } from '../problem.js';
import { Message, pageContext, renderPage } from './page.js';
import { RequestLinkForm } from './request-link.js';

function leadFor(code: ErrorCode, t: Messages): string {
  switch (code) {
    case 'forbidden':
      return t.crossSiteLead;
    case 'malformed_body':
    case 'unsupported_media_type':
      return t.badRequestLead;
    case 'payload_too_large':
      return t.tooLargeLead;
    case 'invalid_field':
      return t.invalidEmailLead;
    case 'transactional_refusal':
      return t.transactionalLead409;
    default:
      return t.errorLead;
  }
}

export async function pageErrorHandler(err: Error, c: Context<AppEnv>): Promise<Response> {
  const known = toAppError(err) ?? (err instanceof HTTPException && err.status === 413 ? new AppError('payload_too_large', err.message) : undefined);
  const p = pageContext(c);
  if (!known) {
    logUnexpected(c, err);
    return renderPage(c, p, p.t.errorHeading, <Message role="alert" heading={p.t.errorHeading} lead={p.t.errorLead} />, 500);
  }
  c.set('errorCode', known.code);
  const status = STATUS[known.code];
  if (known.code === 'not_found') {
    const body = (
      <Message heading={p.t.invalidLinkHeading} lead={p.t.invalidLinkLead}>
        <RequestLinkForm p={p} />
      </Message>
    );
    return renderPage(c, p, p.t.invalidLinkHeading, body, status);
  }
  if (known.code === 'rate_limited') {
    const seconds = known.extra.retryAfterSeconds ?? 60;
    c.header('Retry-After', String(seconds));
    const body = <Message role="alert" heading={p.t.tooManyHeading} lead={p.t.tooManyLead(Math.ceil(seconds / 60))} />;
    return renderPage(c, p, p.t.tooManyHeading, body, status);
  }
  return renderPage(c, p, p.t.errorHeading, <Message role="alert" heading={p.t.errorHeading} lead={leadFor(known.code, p.t)} />, status);
}
