// `/p/TOKEN`: the preference page. GET shows it; POST saves the form (or refuses, or accepts again, all
// marketing) and shows it again with what changed. Events carry source `preference_page`.
import { type Context, Hono } from 'hono';
import { AppError, notFound } from '../../core/errors.js';
import type { Recipient } from '../../core/vocabulary.js';
import { requestConfirmations } from '../../domain/consent/double-opt-in.js';
import { preferencesOf, savePreferences, setMarketingOptOut } from '../../domain/consent/preferences.js';
import { type PreferencesAccess, resolvePreferencesAccess } from '../../domain/links/resolve-link-token.js';
import type { AppEnv } from '../env.js';
import { field, fieldValues, readForm, recipientActor } from './form.js';
import { assertSameOrigin } from './guard.js';
import { type PageContext, pageContext, renderPage } from './page.js';
import { PreferencesPage, type SavedSummary } from './preferences-view.js';

/** What a `/p/TOKEN…` link opens; an invalid (or expired verified) link of any kind is the one 404 page. */
export async function accessOf(c: Context<AppEnv>): Promise<PreferencesAccess> {
  const access = await resolvePreferencesAccess(c.var.deps.db, c.var.deps.config, c.req.param('token') ?? '');
  if (!access) throw notFound('Link');
  return access;
}

/** The recipient a `/p/TOKEN…` link names. */
export async function recipientOf(c: Context<AppEnv>): Promise<Recipient> {
  return (await accessOf(c)).recipient;
}

/**
 * This very link, as a path: the page's own links keep it, so a verified link stays verified (for its
 * 30 minutes) from page to page, and an everyday one never becomes more. Only called once it resolved.
 */
export function selfPath(c: Context<AppEnv>, p: PageContext): string {
  return `${p.base}/p/${c.req.param('token') ?? ''}`;
}

async function show(c: Context<AppEnv>, recipient: Recipient, saved?: SavedSummary): Promise<Response> {
  const p = pageContext(c, recipient.locale);
  const view = await preferencesOf(c.var.deps.db, recipient);
  return renderPage(c, p, p.t.preferencesHeading, <PreferencesPage p={p} view={view} selfHref={selfPath(c, p)} saved={saved} />);
}

export const preferencePages = new Hono<AppEnv>()
  .get('/:token', async (c) => show(c, await recipientOf(c)))
  .post('/:token', async (c) => {
    assertSameOrigin(c);
    const form = await readForm(c);
    const { recipient, trace } = await accessOf(c);
    const { db } = c.var.deps;
    const ctx = { ...recipientActor(c, 'preference_page'), trace };
    const action = field(form, 'action') ?? 'save';
    let saved: SavedSummary;
    if (action === 'save') {
      const changes = await savePreferences(db, recipient.id, new Set(fieldValues(form, 'shown')), new Set(fieldValues(form, 'subscribe')), ctx);
      await requestConfirmations(db, c.var.deps.systemMail, c.var.deps.config, recipient.id, c.var.telemetry);
      saved = { changes };
    } else if (action === 'unsubscribe_all' || action === 'resubscribe') {
      const optOut = action === 'unsubscribe_all';
      saved = { changes: [], ...((await setMarketingOptOut(db, recipient.id, optOut, ctx)) && { optOut }) };
    } else {
      throw new AppError('malformed_body', 'Unknown action.');
    }
    return show(c, await recipientOf(c), saved);
  });
