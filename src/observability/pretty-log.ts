// Development output: `12:00:01 INFO  request GET /v1/categories 200 3ms requestId=…`. A few lines of our
// own instead of pino-pretty and its dozen dependencies; production keeps the JSON untouched.
const SHOWN_FIRST = new Set(['level', 'time', 'pid', 'event', 'msg', 'method', 'route', 'status', 'durationMs']);

export function prettyLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = String(entry.level ?? '')
    .toUpperCase()
    .padEnd(5);
  const head = [entry.event, entry.msg, entry.method, entry.route, entry.status, entry.durationMs === undefined ? undefined : `${entry.durationMs}ms`]
    .filter((part) => part !== undefined && part !== null)
    .join(' ');
  const rest = Object.entries(entry)
    .filter(([k]) => !SHOWN_FIRST.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${level} ${head}${rest ? `  ${rest}` : ''}\n`;
}
