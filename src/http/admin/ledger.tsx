// The ledger: its head, the anchor to copy elsewhere, and verifying the whole chain now (optionally
// against an anchor copied earlier), the same check as `mailprefs ledger verify`.
import { Hono } from 'hono';
import { getLedgerHead, type LedgerVerification, verifyLedger } from '../../domain/consent/ledger-verify.js';
import type { AppEnv } from '../env.js';
import { field, readForm } from '../pages/form.js';
import { assertCsrf } from './guard.js';
import { type AdminContext, adminContext, Csrf, renderAdmin } from './layout.js';

async function page(c: Parameters<typeof adminContext>[0], a: AdminContext, result?: LedgerVerification | 'malformed') {
  const { t } = a;
  const head = await getLedgerHead(c.var.deps.db);
  const anchor = `${head.seq}:${head.hash}`;
  return renderAdmin(
    c,
    a,
    { title: t.navLedger, section: 'ledger', status: result === 'malformed' ? 422 : 200 },
    <>
      <h1>{t.navLedger}</h1>
      <p class="lead">{t.ledgerLead}</p>
      {result === 'malformed' && (
        <p class="alert" role="alert">
          {t.anchorMalformed}
        </p>
      )}
      {result && result !== 'malformed' && (
        <p class={result.ok ? 'flash' : 'alert'} role={result.ok ? 'status' : 'alert'}>
          {result.ok ? t.verifyOk(result.events) : t.verifyBroken(result.broken.seq, result.broken.problem)}
        </p>
      )}
      <section class="card" aria-labelledby="head-h">
        <h2 id="head-h">{t.headHeading}</h2>
        <dl class="facts">
          <dt>{t.colSeq}</dt>
          <dd>{String(head.seq)}</dd>
          <dt>{t.colHash}</dt>
          <dd class="mono">{head.hash}</dd>
          <dt>{t.colHeadAt}</dt>
          <dd>{head.at ?? '–'}</dd>
        </dl>
        <label for="anchor">{t.anchorLabel}</label>
        <input id="anchor" type="text" readonly value={anchor} class="mono" size={72} />
      </section>
      <form method="post" action={`${a.base}/ledger/verify`} class="card stack">
        <Csrf a={a} />
        <label for="verify-anchor">{t.anchorVerifyLabel}</label>
        <input id="verify-anchor" name="anchor" type="text" maxlength={90} class="mono" autocomplete="off" />
        <div>
          <button type="submit">{t.verifyButton}</button>
        </div>
      </form>
    </>,
  );
}

export const ledgerPages = new Hono<AppEnv>()
  .get('/', (c) => page(c, adminContext(c)))
  // A POST because it can take a while on a large ledger, and a GET should not start work a prefetch could.
  .post('/verify', async (c) => {
    const form = await readForm(c);
    assertCsrf(c, form);
    const text = (field(form, 'anchor') ?? '').trim();
    const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text);
    if (text && !match) return page(c, adminContext(c), 'malformed');
    const anchor = match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
    return page(c, adminContext(c), await verifyLedger(c.var.deps.db, { anchor }));
  });
