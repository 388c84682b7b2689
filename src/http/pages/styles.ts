// The recipient pages' one stylesheet, served from the app itself (CSP `style-src 'self'`; no third-party
// assets). Colours meet WCAG 2.2 AA contrast (4.5:1 for text); focus is always visible (2.4.7).
export const PAGES_CSS = `
:root {
  color-scheme: light;
  --bg: #f3f4f7; --card: #ffffff; --text: #172033; --muted: #4a5468; --line: #dde1e8;
  --accent: #1d47c4; --accent-hover: #163a9f; --accent-soft: #eef2fd;
  --ok-bg: #e9f6ef; --ok-text: #145a34; --ok-line: #b9e2c9; --error: #a4161a;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}
.shell { max-width: 42rem; margin: 0 auto; padding: 2.5rem 1.25rem 3rem; }
.brand { display: flex; align-items: center; gap: .75rem; margin: 0 0 1.25rem; font-weight: 650; font-size: 1.05rem; }
.mark {
  display: inline-grid; place-items: center; width: 2.25rem; height: 2.25rem; border-radius: .65rem;
  background: var(--accent); color: #fff; font-weight: 700;
}
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 1rem; padding: 2.25rem;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04), 0 12px 32px rgba(16, 24, 40, .06);
}
h1 { font-size: 1.65rem; line-height: 1.25; letter-spacing: -.01em; margin: 0 0 .5rem; }
h2 { font-size: 1.1rem; line-height: 1.35; margin: 0 0 .35rem; }
p { margin: 0 0 1rem; }
.lead { color: var(--muted); font-size: 1.05rem; margin-bottom: 1.75rem; }
.muted, .hint { color: var(--muted); }
section { border-top: 1px solid var(--line); margin-top: 2rem; padding-top: 1.75rem; }
fieldset { border: 0; margin: 0 0 1.5rem; padding: 0; min-width: 0; }
legend { font-size: 1.1rem; font-weight: 650; padding: 0; margin: 0 0 .35rem; }
.choice {
  display: grid; grid-template-columns: 1.5rem 1fr; column-gap: .9rem; align-items: start;
  padding: 1rem 0; border-bottom: 1px solid var(--line);
}
.choice:first-of-type { border-top: 1px solid var(--line); }
.choice input[type=checkbox] { width: 1.3rem; height: 1.3rem; margin: .18rem 0 0; accent-color: var(--accent); cursor: pointer; }
.choice label { font-weight: 600; cursor: pointer; }
.choice .desc, .choice .note { grid-column: 2; margin: .15rem 0 0; font-size: .95rem; }
.desc { color: var(--muted); margin: .15rem 0 0; font-size: .95rem; }
.note { color: var(--accent); font-weight: 600; }
button, .button {
  display: inline-block; min-height: 2.75rem; padding: .65rem 1.3rem; border-radius: .65rem;
  border: 2px solid var(--accent); background: var(--accent); color: #fff;
  font: inherit; font-weight: 650; line-height: 1.3; text-decoration: none; cursor: pointer;
}
button:hover, .button:hover { background: var(--accent-hover); border-color: var(--accent-hover); color: #fff; }
button.secondary, .button.secondary { background: var(--card); color: var(--accent); }
button.secondary:hover, .button.secondary:hover { background: var(--accent-soft); color: var(--accent-hover); }
a { color: var(--accent); text-underline-offset: .2em; }
a:hover { color: var(--accent-hover); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 3px; border-radius: .25rem; }
.actions { margin: 0 0 1rem; }
.undo { display: flex; flex-wrap: wrap; align-items: center; gap: .75rem; margin: 0 0 1.5rem; color: var(--muted); }
.notice {
  background: var(--ok-bg); color: var(--ok-text); border: 1px solid var(--ok-line); border-radius: .75rem;
  padding: 1rem 1.25rem; margin: 0 0 1.75rem;
}
.notice h2 { color: var(--ok-text); font-size: 1rem; margin: 0 0 .25rem; }
.notice p, .notice ul { margin: 0; }
.notice ul { padding-left: 1.25rem; }
.always, .links { list-style: none; margin: 0; padding: 0; }
.always li { padding: .75rem 0; border-bottom: 1px solid var(--line); }
.always li:last-child { border-bottom: 0; padding-bottom: 0; }
.always .name { font-weight: 600; }
.badge {
  display: inline-block; margin-left: .4rem; padding: .05rem .55rem; border-radius: 999px;
  background: var(--ok-bg); color: var(--ok-text); font-size: .8rem; font-weight: 650; vertical-align: .1em;
}
.links { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
.links a { font-weight: 600; }
.stack { display: grid; gap: .5rem; max-width: 26rem; }
.stack label { font-weight: 600; }
input[type=email] {
  font: inherit; padding: .6rem .8rem; min-height: 2.75rem; border: 1px solid #8a93a6; border-radius: .55rem;
  background: #fff; color: var(--text);
}
input[aria-invalid=true] { border-color: var(--error); border-width: 2px; }
.error { color: var(--error); font-weight: 600; margin: 0; }
.stack button { margin-top: .5rem; }
.foot { color: var(--muted); font-size: .875rem; text-align: center; margin-top: 1.5rem; }
.foot p { margin: .15rem 0; }
@media (max-width: 34rem) {
  .shell { padding: 1.25rem .75rem 2rem; }
  .card { padding: 1.4rem 1.15rem; border-radius: .85rem; }
  h1 { font-size: 1.4rem; }
  button, .button { width: 100%; text-align: center; }
  .undo button { width: auto; }
}
@media (prefers-reduced-motion: no-preference) {
  button, .button, a { transition: background-color .15s, color .15s, border-color .15s; }
}
`;
