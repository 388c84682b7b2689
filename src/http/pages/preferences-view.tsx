// The preference page's markup: marketing categories as labelled checkboxes in a fieldset, transactional
// ones shown as always on with the reason, "unsubscribe from all", and the privacy actions.

import { displayEmail } from '../../core/email.js';
import type { PreferenceChange, PreferencesView } from '../../domain/consent/preferences.js';
import type { PageContext } from './page.js';

export interface SavedSummary {
  changes: PreferenceChange[];
  optOut?: boolean;
}

/** `j•••@example.com`: enough for the person to recognise, less for anyone the email was forwarded to. */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 1 ? '•••' : `${Array.from(email)[0]}•••${email.slice(at)}`;
}

function Summary(props: { p: PageContext; saved: SavedSummary }) {
  const { t } = props.p;
  const lines = props.saved.changes.map((ch) =>
    ch.to === 'subscribed'
      ? t.changedSubscribed(ch.category.name)
      : ch.to === 'pending'
        ? t.changedPending(ch.category.name)
        : t.changedUnsubscribed(ch.category.name),
  );
  if (props.saved.optOut !== undefined) lines.push(props.saved.optOut ? t.changedOptOut : t.changedOptIn);
  return (
    <div class="notice" role="status">
      <h2>{t.savedHeading}</h2>
      {lines.length === 0 ? (
        <p>{t.nothingChanged}</p>
      ) : (
        <ul>
          {lines.map((l) => (
            <li>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function MarketingForm(props: { p: PageContext; view: PreferencesView }) {
  const { t } = props.p;
  return (
    <form method="post">
      <fieldset>
        <legend>{t.marketingLegend}</legend>
        <p class="hint">{props.view.marketing.length > 0 ? t.marketingHint : t.noMarketing}</p>
        {props.view.marketing.map(({ category, status, chosen }) => {
          const id = `c-${category.key}`;
          const described = [category.description && `${id}-desc`, status === 'pending' && `${id}-pending`].filter(Boolean).join(' ');
          return (
            <div class="choice">
              <input type="checkbox" id={id} name="subscribe" value={category.key} checked={chosen} aria-describedby={described || undefined} />
              <label for={id}>{category.name}</label>
              {category.description && (
                <p id={`${id}-desc`} class="desc">
                  {category.description}
                </p>
              )}
              {status === 'pending' && (
                <p id={`${id}-pending`} class="note">
                  {t.pendingNote}
                </p>
              )}
              <input type="hidden" name="shown" value={category.key} />
            </div>
          );
        })}
      </fieldset>
      {props.view.marketing.length > 0 && (
        <button type="submit" name="action" value="save">
          {t.saveButton}
        </button>
      )}
    </form>
  );
}

function AllMarketing(props: { p: PageContext; optedOut: boolean }) {
  const { t, org } = props.p;
  return (
    <section aria-labelledby="all-marketing">
      <h2 id="all-marketing">{props.optedOut ? t.optedOutHeading : t.unsubscribeAllHeading}</h2>
      <p class="muted">{props.optedOut ? t.optedOutLead(org) : t.unsubscribeAllLead}</p>
      <form method="post">
        {props.optedOut ? (
          <button type="submit" name="action" value="resubscribe" class="secondary">
            {t.resubscribeButton}
          </button>
        ) : (
          <button type="submit" name="action" value="unsubscribe_all" class="secondary">
            {t.unsubscribeAllButton}
          </button>
        )}
      </form>
    </section>
  );
}

export function PreferencesPage(props: { p: PageContext; view: PreferencesView; selfHref: string; saved?: SavedSummary }) {
  const { p, view } = props;
  const { t } = p;
  return (
    <>
      <h1>{t.preferencesHeading}</h1>
      <p class="lead">{t.preferencesLead(p.org, maskAddress(displayEmail(view.recipient.email)))}</p>
      {props.saved && <Summary p={p} saved={props.saved} />}
      {!view.recipient.marketingOptOut && <MarketingForm p={p} view={view} />}
      <AllMarketing p={p} optedOut={view.recipient.marketingOptOut} />
      {view.transactional.length > 0 && (
        <section aria-labelledby="transactional">
          <h2 id="transactional">{t.transactionalHeading}</h2>
          <p class="muted">{t.transactionalLead}</p>
          <ul class="always">
            {view.transactional.map((category) => (
              <li>
                <span class="name">{category.name}</span> <span class="badge">{t.alwaysOn}</span>
                {category.description && <p class="desc">{category.description}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {/* PRIVACY ACTIONS: the privacy module serves these routes (GET /p/TOKEN/export, /delete, /email). */}
      <section aria-labelledby="your-data" class="privacy">
        <h2 id="your-data">{t.privacyHeading}</h2>
        <p class="muted">{t.privacyLead}</p>
        <ul class="links">
          <li>
            <a href={`${props.selfHref}/export`}>{t.downloadData}</a>
          </li>
          <li>
            <a href={`${props.selfHref}/email`}>{t.changeEmail}</a>
          </li>
          <li>
            <a href={`${props.selfHref}/delete`}>{t.deleteData}</a>
          </li>
        </ul>
      </section>
    </>
  );
}
