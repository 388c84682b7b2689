// Reads a V8 .cpuprofile and says where the time went: by area (our code, kysely, hono, node's HTTP...)
// and the functions with the most self time. Inclusive time per function counts each sample once
// even under recursion.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const AREAS: [string, RegExp][] = [
  ['kysely', /node_modules\/kysely\//],
  ['hono', /node_modules\/hono\//],
  ['@hono/node-server', /node_modules\/@hono\/node-server\//],
  ['better-sqlite3', /node_modules\/better-sqlite3\//],
  ['zod', /node_modules\/zod\//],
  ['mailprefs src/', /\/src\//],
  ['other node_modules', /node_modules\//],
  ['node internals', /^node:/],
];

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  return AREAS.find(([, re]) => re.test(url))?.[0] ?? 'other';
}

const pct = (n: number, total: number) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;

export function summarizeProfile(path: string, top = 25): string {
  const { nodes } = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[] };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const idle = nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const busy = total - idle;

  const areas = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const name = (n: ProfileNode) => {
    const file = n.callFrame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1');
    return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
  };
  for (const n of nodes) {
    const hits = n.hitCount ?? 0;
    if (hits === 0 || n.callFrame.functionName === '(idle)') continue;
    areas.set(areaOf(n), (areas.get(areaOf(n)) ?? 0) + hits);
    self.set(name(n), (self.get(name(n)) ?? 0) + hits);
    const seen = new Set<string>();
    for (let at: ProfileNode | undefined = n; at; at = byId.get(parent.get(at.id) ?? -1)) {
      const key = name(at);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
    }
  }
  const lines = [`${busy} busy samples (${pct(busy, total).trim()} of ${total}; the rest idle)`, 'self time by area (of busy):'];
  let rest = 0;
  for (const [area, hits] of [...areas].sort((a, b) => b[1] - a[1])) {
    if (hits >= busy / 200) lines.push(`  ${pct(hits, busy)}  ${area}`);
    else rest += hits;
  }
  lines.push(`  ${pct(rest, busy)}  (each under 0.5%)`);
  lines.push('top self time:');
  for (const [fn, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(hits, busy)}  ${fn}`);
  lines.push('top inclusive time (mailprefs, kysely, hono):');
  const ours = [...inclusive].filter(([k]) => /src\/|kysely|hono/.test(k)).sort((a, b) => b[1] - a[1]);
  for (const [fn, hits] of ours.slice(0, top)) lines.push(`  ${pct(hits, busy)}  ${fn}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 25)));
