// The console's first screen.
import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { adminContext, renderAdmin } from './layout.js';

export const overviewPages = new Hono<AppEnv>().get('/', (c) => {
  const a = adminContext(c);
  return renderAdmin(c, a, { title: a.t.navOverview, section: 'overview' }, <h1>{a.t.navOverview}</h1>);
});
