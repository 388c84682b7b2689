// Entry point: `npm run cli -- COMMAND` (the package's bin is `mailprefs`).
import { parseArgs } from 'node:util';
import { loadConfig, openAndMigrate } from './bootstrap.js';
import { ConfigError } from './config.js';
import { AppError } from './core/errors.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { createApiKey, isScope, listKeys, revokeKey, SCOPES } from './domain/access/api-keys.js';
import { verifyLedger } from './domain/consent/ledger-verify.js';
import { CLI_ACTOR, disableOperatorAsAdmin, inviteOperator, resetOperatorAsAdmin } from './domain/console/manage-operators.js';
import { listOperators } from './domain/console/operators.js';
import { isOperatorRole, OPERATOR_ROLES } from './domain/console/roles.js';
import { doctorAddresses } from './domain/operations/address-doctor.js';

// The notices machinery (MJML and its dependencies) takes seconds to load; only `jobs` and `demo` need it,
// so the everyday commands (keys, migrate, ledger) load without it.
const loadNotices = async () => {
  const [jobs, demo, outbox, runtime] = await Promise.all([
    import('./jobs/run-jobs.js'),
    import('./demo.js'),
    import('./domain/notices/outbox-transport.js'),
    import('./domain/notices/runtime.js'),
  ]);
  return { ...jobs, ...demo, ...outbox, ...runtime };
};

const USAGE = `usage: mailprefs COMMAND
  migrate                                   apply pending migrations
  keys create --name NAME --scope SCOPE…    create an API key (printed once); --json for one JSON line
  keys list                                 list API keys
  keys revoke ID                            revoke an API key
  operators create --email E --role ROLE   add a console operator; prints a one-time set-password link (24 h)
  operators list                            list operators
  operators disable ID|EMAIL                disable an operator and end their sessions
  operators reset ID|EMAIL                  forget the password, end sessions, print a new link
  ledger verify [--anchor SEQ:HASH]         check the consent ledger's hash chain; exit 1 naming the first broken event
  jobs run                                  run the periodic jobs once (double opt-in expiry, notice retention, resume queued notices)
  doctor addresses [--dry-run]              recompute address keys after an upgrade; exit 1 listing recipients that collide or are refused
  import FILE [--dry-run]                   import recipients and consent from CSV (or .ndjson/.jsonl); a progress bar on a terminal
  demo                                      fill an empty development database with examples (dev outbox)
scopes: ${SCOPES.join(', ')}
roles: ${OPERATOR_ROLES.join(', ')} (viewers read; editors act on recipients and broadcasts; admins manage everything)`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig(process.env);
  if (command === 'migrate') {
    const handle = openDatabase(config.databaseUrl, { sqliteSynchronous: config.sqliteSynchronous });
    try {
      const applied = await migrateToLatest(handle.db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    } finally {
      await handle.close();
    }
    return 0;
  }
  if (command === 'demo') return demo(config);
  if (command !== 'keys' && command !== 'ledger' && command !== 'jobs' && command !== 'operators' && command !== 'doctor' && command !== 'import') {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }

  const handle = await openAndMigrate(config);
  try {
    if (command === 'ledger') return await ledgerCommand(handle.db, sub, rest);
    if (command === 'operators') return await operatorsCommand(handle.db, config.publicUrl, sub, rest);
    if (command === 'doctor') return await doctorCommand(handle.db, config.hashKey, sub, rest);
    if (command === 'import') {
      const { values, positionals } = parseArgs({
        args: [sub ?? '', ...rest].filter(Boolean),
        options: { 'dry-run': { type: 'boolean' } },
        allowPositionals: true,
      });
      if (positionals.length !== 1) throw new UsageError('import needs one FILE');
      const { importCommand } = await import('./cli-import.js');
      return await importCommand(handle.db, config.hashKey, positionals[0]!, values['dry-run'] ?? false);
    }
    if (command === 'jobs') {
      if (sub !== 'run') throw new UsageError(`unknown jobs command "${sub ?? ''}"`);
      const { runJobsOnce, describeJobResult, createNoticeRuntime } = await loadNotices();
      const results = await runJobsOnce(handle.db, config, { notices: createNoticeRuntime(config, handle.db) });
      for (const r of results) (r.ok ? console.log : console.error)(describeJobResult(r));
      return results.every((r) => r.ok) ? 0 : 1;
    }
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, scope: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
      if (!values.name) throw new UsageError('--name is required');
      const scopes = values.scope ?? [];
      if (scopes.length === 0) throw new UsageError('give at least one --scope');
      const bad = scopes.find((s) => !isScope(s));
      if (bad !== undefined) throw new UsageError(`unknown scope "${bad}"`);
      const created = await createApiKey(handle.db, values.name, scopes.filter(isScope));
      if (values.json) console.log(JSON.stringify(created));
      else console.log(`id:  ${created.id}\nkey: ${created.key}\n(the key is shown once; store it now)`);
      return 0;
    }
    if (sub === 'list') {
      for (const k of await listKeys(handle.db)) {
        console.log([k.id, k.name, k.scopes.join(','), k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'].join('\t'));
      }
      return 0;
    }
    if (sub === 'revoke') {
      const id = rest[0];
      if (!id) throw new UsageError('keys revoke needs an ID');
      if (!(await revokeKey(handle.db, id))) {
        console.error(`no active key with id ${id}`);
        return 1;
      }
      console.log(`revoked ${id}`);
      return 0;
    }
    throw new UsageError(`unknown keys command "${sub ?? ''}"`);
  } finally {
    await handle.close();
  }
}

async function operatorsCommand(db: DatabaseHandle['db'], publicUrl: string, sub: string | undefined, rest: string[]): Promise<number> {
  try {
    if (sub === 'create') {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, role: { type: 'string' } } });
      if (!values.email) throw new UsageError('--email is required');
      if (!values.role || !isOperatorRole(values.role)) throw new UsageError(`--role is one of ${OPERATOR_ROLES.join(', ')}`);
      const { operator, link } = await inviteOperator(db, publicUrl, { email: values.email, role: values.role }, CLI_ACTOR);
      console.log(`id:   ${operator.id}\nlink: ${link}\n(the link sets a password once, within 24 hours; send it to ${operator.email} privately)`);
      return 0;
    }
    if (sub === 'list') {
      for (const o of await listOperators(db)) console.log([o.id, o.email, o.role, o.state, o.createdAt].join('\t'));
      return 0;
    }
    if (sub === 'disable' || sub === 'reset') {
      const ref = rest[0];
      if (!ref) throw new UsageError(`operators ${sub} needs an ID or EMAIL`);
      if (sub === 'disable') {
        const operator = await disableOperatorAsAdmin(db, ref, CLI_ACTOR);
        console.log(`disabled ${operator.id} (${operator.email}); their sessions have ended`);
        return 0;
      }
      const { operator, link } = await resetOperatorAsAdmin(db, publicUrl, ref, CLI_ACTOR);
      console.log(`reset ${operator.id} (${operator.email}); their sessions have ended\nlink: ${link}`);
      return 0;
    }
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`mailprefs: ${err.detail}`);
      return 1;
    }
    throw err;
  }
  throw new UsageError(`unknown operators command "${sub ?? ''}"`);
}

async function ledgerCommand(db: DatabaseHandle['db'], sub: string | undefined, rest: string[]): Promise<number> {
  if (sub !== 'verify') throw new UsageError(`unknown ledger command "${sub ?? ''}"`);
  const { values } = parseArgs({ args: rest, options: { anchor: { type: 'string' } } });
  let anchor: { seq: number; hash: string } | undefined;
  if (values.anchor !== undefined) {
    const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(values.anchor);
    if (!m) throw new UsageError('--anchor is SEQ:HASH, as GET /v1/ledger/head gives them');
    anchor = { seq: Number(m[1]), hash: m[2]! };
  }
  const result = await verifyLedger(db, { anchor });
  if (result.ok) {
    console.log(`ledger intact: ${result.events} events; head seq ${result.head.seq} hash ${result.head.hash}`);
    return 0;
  }
  const { seq, id, problem } = result.broken;
  console.error(`ledger broken at event seq ${seq}${id ? ` (id ${id})` : ''}: ${problem}; the ${result.events} events before it verify`);
  return 1;
}

// Ids only: the report goes to a terminal or a CI log, and addresses are personal data.
async function doctorCommand(db: DatabaseHandle['db'], hashKey: string, sub: string | undefined, rest: string[]): Promise<number> {
  if (sub !== 'addresses') throw new UsageError(`unknown doctor command "${sub ?? ''}"`);
  const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean' } } });
  const dryRun = values['dry-run'] ?? false;
  const report = await doctorAddresses(db, hashKey, { dryRun });
  const verb = dryRun ? 'would rekey' : 'rekeyed';
  console.log(`addresses: ${report.recipients} recipients; ${verb} ${report.rekeyed} recipients and ${report.suppressionsRekeyed} suppressions`);
  for (const ids of report.collisions) console.log(`collision (one mailbox, several recipients; not merged): ${ids.join(' ')}`);
  for (const r of report.refused) console.log(`refused by the address rule (key left as it was): ${r.id}: ${r.reason}`);
  for (const id of report.suppressionCollisions) console.log(`suppression shares its mailbox and reason with another (not merged): ${id}`);
  return report.collisions.length + report.refused.length + report.suppressionCollisions.length === 0 ? 0 : 1;
}

async function demo(config: ReturnType<typeof loadConfig>): Promise<number> {
  if (config.production) throw new UsageError('demo is for development databases only');
  const handle = await openAndMigrate(config);
  try {
    // Always the outbox: the demo's addresses are examples, never to be mailed for real.
    const { createNoticeRuntime, createOutboxTransport, fillDemo } = await loadNotices();
    const runtime = createNoticeRuntime(config, handle.db, { transport: createOutboxTransport(handle.db) });
    const { sent, skipped } = await fillDemo(handle.db, config, runtime);
    console.log(`demo data created: 3 categories, 4 recipients, ${sent} notices sent, ${skipped} skipped (not eligible)`);
    console.log(`read them at ${config.publicUrl}/dev/outbox (start the server with npm start)`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`mailprefs: ${err.detail}`);
      return 1;
    }
    throw err;
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`mailprefs: ${err.message}\n${USAGE}`);
    else if (err instanceof ConfigError) console.error(`mailprefs: ${err.message}`);
    else console.error('mailprefs:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
