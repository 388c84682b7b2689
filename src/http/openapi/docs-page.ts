// GET /docs: the OpenAPI document as a readable page, rendered here from the document itself: no
// script, no third-party asset, one stylesheet from this server (CSP default-src 'none').
import type { JsonSchema } from './operation.js';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

// Backticks in descriptions mark code, the one piece of markup the descriptions use.
const prose = (s: unknown) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}h3{font-family:ui-monospace,monospace;font-size:1rem;margin:1.5rem 0 .25rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700}code,pre{font-family:ui-monospace,monospace;font-size:.85rem}
pre{background:#f5f5f5;padding:.5rem;overflow:auto;max-height:20rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
nav a{margin-right:1rem}`;

type Op = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: JsonSchema[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string }>;
};

function operation(method: string, path: string, op: Op): string {
  const params = (op.parameters ?? []) as { name: string; in: string; required: boolean; description?: string; schema: unknown }[];
  const table = params.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code>${p.description ? ` ${prose(p.description)}` : ''}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? Object.entries(op.requestBody.content)
        .map(([type, c]) => `<p>Body <code>${esc(type)}</code></p>${c.schema ? `<pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>` : ''}`)
        .join('')
    : '';
  const responses = Object.entries(op.responses)
    .map(([status, r]) => `<li><code>${esc(status)}</code> ${prose(r.description)}</li>`)
    .join('');
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
  return `<section id="${esc(id)}"><h3><span class="m">${esc(method.toUpperCase())}</span>${esc(path)}</h3><p>${prose(op.summary ?? '')}</p><p>${prose(op.description ?? '')}</p>${table}${body}<ul>${responses}</ul></section>`;
}

export function renderDocsPage(doc: JsonSchema): string {
  const info = doc.info as { title: string; version: string; description: string };
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Op>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="${esc(tag)}">${esc(tag)}</h2>${ops.join('')}`).join('');
  const nav = [...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(info.title)}</title><link rel="stylesheet" href="/docs/docs.css"></head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${prose(info.description)} The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p><nav>${nav}</nav>${sections}</body></html>`;
}
