// Every /v1 route, for GET /openapi.json and GET /docs: here the people and their consent (categories,
// recipients, privacy, events, suppressions, eligibility, links), in routes-sending.ts the mail and the
// systems told of changes. Request schemas are imported from the routes that validate with them; the
// bulk bodies that may be JSON or NDJSON (eligibility, imports) are described in words, their handlers
// reading the stream as it comes (docs/performance.md).

import { CategoryPatch, NewCategory } from '../categories.js';
import { SingleQuery } from '../eligibility.js';
import { EventsQuery } from '../events.js';
import { ImportQuery } from '../imports.js';
import { LinksRequest } from '../links.js';
import { ListQuery, RecipientPatch, RecipientPut } from '../recipients.js';
import { StatsQuery } from '../stats.js';
import { NewSuppression, SuppressionsQuery } from '../suppressions.js';
import { json, type Operation } from './operation.js';
import { SENDING_OPERATIONS } from './routes-sending.js';
import { list, page, ref } from './schemas.js';

const READ = ['recipients:write', 'eligibility:read'] as const;
const REF = { ref: 'the recipient id, the url-encoded email, or `ext:EXTERNAL_ID`' };

const CONSENT_OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/categories',
    tag: 'Categories',
    summary: 'Create a category',
    scopes: ['admin'],
    body: NewCategory,
    responses: { 201: json('Created', ref('Category')) },
  },
  {
    method: 'get',
    path: '/v1/categories',
    tag: 'Categories',
    summary: 'List categories',
    scopes: ['admin'],
    responses: { 200: json('Every category', list('Category')) },
  },
  {
    method: 'patch',
    path: '/v1/categories/{key}',
    tag: 'Categories',
    summary: 'Edit, archive or unarchive a category (not key, not kind)',
    scopes: ['admin'],
    params: { key: 'the category key' },
    body: CategoryPatch,
    responses: { 200: json('Edited', ref('Category')) },
  },
  {
    method: 'put',
    path: '/v1/recipients',
    tag: 'Recipients',
    summary: 'Create or update a recipient by email',
    scopes: ['recipients:write'],
    body: RecipientPut,
    responses: { 200: json('Updated', ref('Recipient')), 201: json('Created', ref('Recipient')) },
  },
  {
    method: 'get',
    path: '/v1/recipients',
    tag: 'Recipients',
    summary: 'List and search recipients',
    description: '`Accept: text/csv` streams every match as CSV.',
    scopes: READ,
    query: ListQuery,
    responses: { 200: { ...json('A page', page('Recipient')), type: 'application/json, text/csv' } },
  },
  {
    method: 'get',
    path: '/v1/recipients/{ref}',
    tag: 'Recipients',
    summary: 'A recipient with its eligibility',
    scopes: READ,
    params: REF,
    responses: { 200: json('The recipient', ref('RecipientWithEligibility')) },
  },
  {
    method: 'patch',
    path: '/v1/recipients/{ref}',
    tag: 'Recipients',
    summary: 'Correct a recipient and change its consent',
    scopes: ['recipients:write'],
    params: REF,
    body: RecipientPatch,
    responses: { 200: json('Changed', ref('Recipient')) },
  },
  {
    method: 'get',
    path: '/v1/recipients/{ref}/events',
    tag: 'Recipients',
    summary: "A recipient's consent events",
    scopes: READ,
    params: REF,
    responses: { 200: json('Oldest first', list('RecipientEvent')) },
  },
  {
    method: 'get',
    path: '/v1/recipients/{ref}/export',
    tag: 'Privacy',
    summary: 'Everything stored about the person',
    scopes: ['privacy'],
    params: REF,
    responses: { 200: json('The export', ref('RecipientExport')) },
  },
  {
    method: 'delete',
    path: '/v1/recipients/{ref}',
    tag: 'Privacy',
    summary: "Erase the person's data",
    scopes: ['privacy'],
    params: REF,
    responses: { 204: { description: 'Erased' } },
  },
  {
    method: 'get',
    path: '/v1/events',
    tag: 'Events',
    summary: 'The consent ledger in order, filtered',
    description:
      '`noticeId` and `broadcastId` keep the changes made through links in that mail (an id that names no mail matches nothing). `Accept: text/csv` streams every match as CSV.',
    scopes: READ,
    query: EventsQuery,
    responses: { 200: { ...json('A page', page('Event')), type: 'application/json, text/csv' } },
  },
  {
    method: 'get',
    path: '/v1/stats',
    tag: 'Events',
    summary: 'Daily series',
    scopes: READ,
    query: StatsQuery,
    responses: { 200: json('One entry per day', ref('Stats')) },
  },
  {
    method: 'post',
    path: '/v1/imports',
    tag: 'Recipients',
    summary: 'Import recipients and consent (CSV or NDJSON, unbounded)',
    scopes: ['recipients:write'],
    query: ImportQuery,
    body: { types: ['text/csv', 'application/x-ndjson'], description: 'One row per line (docs/api.md "Imports")' },
    responses: { 200: { description: 'One NDJSON result per row, then a summary line', type: 'application/x-ndjson' } },
  },
  {
    method: 'post',
    path: '/v1/suppressions',
    tag: 'Suppressions',
    summary: 'Suppress an address',
    scopes: ['admin'],
    body: NewSuppression,
    responses: { 200: json('Already there', ref('Suppression')), 201: json('Created', ref('Suppression')) },
  },
  {
    method: 'get',
    path: '/v1/suppressions',
    tag: 'Suppressions',
    summary: 'List suppressions',
    description: '`Accept: text/csv` streams them all as CSV.',
    scopes: ['admin', 'eligibility:read'],
    query: SuppressionsQuery,
    responses: { 200: { ...json('A page', page('Suppression')), type: 'application/json, text/csv' } },
  },
  {
    method: 'delete',
    path: '/v1/suppressions/{email}',
    tag: 'Suppressions',
    summary: 'Lift the suppressions of an address (not an erasure)',
    scopes: ['admin'],
    params: { email: 'the url-encoded address' },
    responses: { 204: { description: 'Lifted' } },
  },
  {
    method: 'get',
    path: '/v1/eligibility',
    tag: 'Eligibility',
    summary: 'May this address be sent this category?',
    scopes: ['eligibility:read'],
    query: SingleQuery,
    responses: { 200: json('The decision', ref('Eligibility')) },
  },
  {
    method: 'post',
    path: '/v1/eligibility',
    tag: 'Eligibility',
    summary: 'Bulk eligibility (JSON, at most 10,000; or NDJSON, unbounded)',
    scopes: ['eligibility:read'],
    body: {
      types: ['application/json', 'application/x-ndjson'],
      description: '`{category, emails: [...]}`, or NDJSON: a first line `{"category":…}`, then one address per line',
    },
    responses: {
      200: { description: 'Results in input order (NDJSON answers stream)', schema: ref('BulkEligibility'), type: 'application/json, application/x-ndjson' },
    },
  },
  {
    method: 'post',
    path: '/v1/links',
    tag: 'Links',
    summary: 'Preference and unsubscribe links for your own mail',
    scopes: ['eligibility:read'],
    body: LinksRequest,
    responses: { 200: json('The links', ref('Links')) },
  },
];

export const OPERATIONS: readonly Operation[] = [...CONSENT_OPERATIONS, ...SENDING_OPERATIONS];
