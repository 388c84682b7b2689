// What a console handler threw, as a readable page with the status of the API's table (src/http/problem.ts).
// A request without a session that is not a page load is refused with 401; page loads were redirected.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../../core/errors.js';
import type { AppEnv } from '../env.js';
import { logUnexpected, STATUS, toAppError } from '../problem.js';
import { adminContext, renderAdmin } from './layout.js';

function Box(props: { heading: string; lead: string; back?: string; backLabel: string }) {
  return (
    <div class="card narrow" role="alert">
      <h1>{props.heading}</h1>
      <p>{props.lead}</p>
      <p>
        <a href={props.back}>{props.backLabel}</a>
      </p>
    </div>
  );
}

export async function adminErrorHandler(err: Error, c: Context<AppEnv>): Promise<Response> {
  const known = toAppError(err) ?? (err instanceof HTTPException && err.status === 413 ? new AppError('payload_too_large', err.message) : undefined);
  const a = adminContext(c);
  const back = a.base;
  if (!known) {
    logUnexpected(c, err);
    return renderAdmin(
      c,
      a,
      { title: a.t.errorHeading, status: 500 },
      <Box heading={a.t.errorHeading} lead={a.t.errorLead} back={back} backLabel={a.t.back} />,
    );
  }
  const status = STATUS[known.code];
  const [heading, lead] = (() => {
    switch (known.code) {
      case 'forbidden':
        return known.detail.includes('role') ? [a.t.forbiddenHeading, a.t.forbiddenLead] : [a.t.forbiddenHeading, a.t.crossSiteLead];
      case 'not_found':
        return c.req.routePath.includes('set-password') ? [a.t.linkInvalidHeading, a.t.linkInvalidLead] : [a.t.notFoundHeading, a.t.notFoundLead];
      case 'rate_limited': {
        const seconds = known.extra.retryAfterSeconds ?? 60;
        c.header('Retry-After', String(seconds));
        return [a.t.tooManyHeading, a.t.tooManyLead(Math.ceil(seconds / 60))];
      }
      case 'invalid_field':
        return [a.t.invalidHeading, known.detail];
      case 'conflict':
      case 'transactional_refusal':
        return [a.t.conflictHeading, known.detail];
      case 'unauthorized':
        return [a.t.signInHeading, a.t.signInLead];
      default:
        return [a.t.errorHeading, a.t.errorLead];
    }
  })();
  const target = known.code === 'unauthorized' ? `${back}/sign-in` : back;
  return renderAdmin(c, a, { title: heading, status }, <Box heading={heading} lead={lead} back={target} backLabel={a.t.back} />);
}
