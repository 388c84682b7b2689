// The parts of a person's page: facts, subscriptions with eligibility, the consent timeline, notices
// and suppressions. Everything shown is escaped by hono/jsx; hashes are shown whole for copying.
import type { Category } from '../../core/vocabulary.js';
import type { RecipientDossier } from '../../domain/console/recipients.js';
import type { AdminContext } from './layout.js';

export function Facts(props: { a: AdminContext; d: RecipientDossier }) {
  const { t } = props.a;
  const r = props.d.recipient;
  return (
    <dl class="facts">
      <dt>{t.labelId}</dt>
      <dd class="mono">{r.id}</dd>
      <dt>{t.colExternalId}</dt>
      <dd>{r.externalId ?? '–'}</dd>
      <dt>{t.labelLocale}</dt>
      <dd>{r.locale ?? '–'}</dd>
      <dt>{t.colCreated}</dt>
      <dd>{r.createdAt}</dd>
      <dt>{t.labelMarketing}</dt>
      <dd>{r.marketingOptOut ? <span class="badge no">{t.marketingRefused}</span> : t.marketingAllowed}</dd>
    </dl>
  );
}

export function Subscriptions(props: { a: AdminContext; d: RecipientDossier; categories: readonly Category[] }) {
  const { t } = props.a;
  const r = props.d.recipient;
  return (
    <section class="card" aria-labelledby="subs-h">
      <h2 id="subs-h">{t.subscriptionsHeading}</h2>
      <div class="scroll" tabindex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t.colCategory}</th>
              <th scope="col">{t.colStatus}</th>
              <th scope="col">{t.colEligible}</th>
              <th scope="col">{t.colReason}</th>
            </tr>
          </thead>
          <tbody>
            {props.categories.map((c) => {
              const e = r.eligibility[c.key];
              return (
                <tr>
                  <th scope="row">
                    {c.name} <code>{c.key}</code>
                  </th>
                  <td>{r.subscriptions[c.key]?.status ?? t.none}</td>
                  <td>{e?.eligible ? <span class="badge ok">{t.yes}</span> : <span class="badge no">{t.no}</span>}</td>
                  <td>
                    <code>{e?.reason ?? ''}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Timeline(props: { a: AdminContext; d: RecipientDossier }) {
  const { t } = props.a;
  return (
    <section class="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">{t.timelineHeading}</h2>
      <p class="muted">{t.timelineLead}</p>
      {props.d.timeline.length === 0 ? (
        <p>{t.timelineEmpty}</p>
      ) : (
        <div class="scroll" tabindex={0}>
          <table class="timeline">
            <thead>
              <tr>
                <th scope="col">{t.colSeq}</th>
                <th scope="col">{t.colTime}</th>
                <th scope="col">{t.colType}</th>
                <th scope="col">{t.colCategory}</th>
                <th scope="col">{t.colSource}</th>
                <th scope="col">{t.colActor}</th>
                <th scope="col">{t.colWording}</th>
                <th scope="col">{t.colMail}</th>
                <th scope="col">{t.colIp}</th>
                <th scope="col">{t.colUserAgent}</th>
                <th scope="col">{t.colHash}</th>
              </tr>
            </thead>
            <tbody>
              {props.d.timeline.map((e) => (
                <tr>
                  <td class="num">{String(e.seq)}</td>
                  <td>{e.at.replace('T', ' ').slice(0, 19)}</td>
                  <th scope="row">{e.type}</th>
                  <td>{e.category ?? '–'}</td>
                  <td>{e.source}</td>
                  <td class="mono nowrap">{e.actor ?? '–'}</td>
                  <td>{e.text ?? '–'}</td>
                  <td>
                    <MailOf a={props.a} noticeId={e.noticeId} broadcastId={e.broadcastId} />
                  </td>
                  <td class="mono nowrap">{e.ip ?? '–'}</td>
                  <td>{e.userAgent ?? '–'}</td>
                  <td class="mono hash" title={`prev ${e.prevHash}`}>
                    {e.hash}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The mail whose link a change came through: its notice id, and its broadcast's page. */
function MailOf(props: { a: AdminContext; noticeId: string | null; broadcastId: string | null }) {
  const { t, base } = props.a;
  if (props.noticeId === null) return <>–</>;
  return (
    <span class="mono nowrap">
      {t.mailNotice} <span title={props.noticeId}>{props.noticeId.slice(-12)}</span>
      {props.broadcastId !== null && (
        <>
          <br />
          <a href={`${base}/broadcasts/${props.broadcastId}`}>{t.mailBroadcast}</a>
        </>
      )}
    </span>
  );
}

export function PersonNotices(props: { a: AdminContext; d: RecipientDossier }) {
  const { t } = props.a;
  return (
    <section class="card" aria-labelledby="notices-h">
      <h2 id="notices-h">{t.noticesHeading}</h2>
      {props.d.notices.length === 0 ? (
        <p>{t.noticesEmpty}</p>
      ) : (
        <div class="scroll" tabindex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t.colTime}</th>
                <th scope="col">{t.colTemplate}</th>
                <th scope="col">{t.colCategory}</th>
                <th scope="col">{t.colStatus}</th>
                <th scope="col">{t.colEvents}</th>
              </tr>
            </thead>
            <tbody>
              {props.d.notices.map((n) => (
                <tr>
                  <td>{n.createdAt.replace('T', ' ').slice(0, 19)}</td>
                  <th scope="row">{n.template}</th>
                  <td>{n.category}</td>
                  <td>
                    {n.status}
                    {n.reason && <span class="muted"> ({n.reason})</span>}
                  </td>
                  <td>{n.events.map((e) => `${e.type} ${e.at.slice(0, 16).replace('T', ' ')}`).join(', ') || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 class="later">{t.suppressionsHeading}</h2>
      {props.d.suppressions.length === 0 ? (
        <p>{t.suppressionsNone}</p>
      ) : (
        <ul>
          {props.d.suppressions.map((s) => (
            <li>
              <code>{s.reason}</code> {s.createdAt.slice(0, 10)} {s.note && <span class="muted">{s.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
