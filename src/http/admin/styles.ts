// The console's one stylesheet, served from the app (CSP `style-src 'self'`, no third-party assets).
// Colours meet WCAG 2.2 AA contrast; focus is always visible; tables scroll inside their box at 375 px.
export const CONSOLE_CSS = `
:root {
  color-scheme: light;
  --bg: #f3f4f7; --card: #fff; --text: #172033; --muted: #4a5468; --line: #dde1e8;
  --accent: #1d47c4; --accent-hover: #163a9f; --accent-soft: #eef2fd;
  --ok: #145a34; --ok-bg: #e9f6ef; --warn: #7a4b00; --warn-bg: #fff4dc; --error: #a4161a; --error-bg: #fdecec;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
}
a { color: var(--accent); text-underline-offset: .2em; }
a:hover { color: var(--accent-hover); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: .2rem; }
.skip { position: absolute; left: .5rem; top: -3rem; background: var(--card); padding: .5rem .75rem; z-index: 2; }
.skip:focus { top: .5rem; }
.top { background: var(--card); border-bottom: 1px solid var(--line); }
.bar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem 1rem; max-width: 80rem; margin: 0 auto; padding: .75rem 1.25rem; }
.brand { display: flex; align-items: center; gap: .6rem; font-weight: 700; color: var(--text); text-decoration: none; }
.mark { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: .55rem; background: var(--accent); color: #fff; }
.who { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .9rem; color: var(--muted); font-size: .9rem; }
.who form { margin: 0; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem; margin: 0 auto; padding: 0 1.25rem .5rem; max-width: 80rem; }
nav a { display: block; padding: .4rem .7rem; border-radius: .5rem; text-decoration: none; color: var(--muted); font-weight: 600; }
nav a:hover { background: var(--accent-soft); }
nav a[aria-current=page] { background: var(--accent-soft); color: var(--accent); }
main { display: block; max-width: 80rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .75rem; }
h3 { font-size: 1rem; margin: 0 0 .5rem; }
p { margin: 0 0 .9rem; }
.lead, .muted { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .8rem; padding: 1.25rem; margin: 0 0 1.25rem; min-width: 0; }
.narrow { max-width: 28rem; margin: 2rem auto; }
.grid { display: grid; gap: 1.25rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); }
.grid > .card { margin: 0; }
.stats { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); margin: 0 0 1.25rem; padding: 0; list-style: none; }
.stats li { background: var(--card); border: 1px solid var(--line); border-radius: .8rem; padding: .9rem 1rem; }
.stats .n { display: block; font-size: 1.5rem; font-weight: 700; }
.stats .l { color: var(--muted); font-size: .85rem; }
form.stack { display: grid; gap: .4rem; max-width: 28rem; }
form.stack > * { min-width: 0; }
form.stack select, form.stack textarea { width: 100%; }
form.row { display: flex; flex-wrap: wrap; align-items: end; gap: .6rem 1rem; margin: 0 0 1rem; }
form.row > div { display: grid; gap: .25rem; }
form.inline { display: inline; margin: 0; }
label { font-weight: 600; }
.hint { color: var(--muted); font-size: .875rem; margin: 0; }
input[type=text], input[type=email], input[type=password], input[type=search], input[type=date], select, textarea {
  font: inherit; padding: .5rem .7rem; min-height: 2.5rem; border: 1px solid #8a93a6; border-radius: .5rem; background: #fff; color: var(--text); max-width: 100%;
}
textarea { width: 100%; min-height: 8rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
input[aria-invalid=true] { border-color: var(--error); border-width: 2px; }
fieldset { border: 1px solid var(--line); border-radius: .6rem; margin: 0 0 1rem; padding: .75rem 1rem; }
legend { font-weight: 650; padding: 0 .3rem; }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 500; }
button, .button {
  display: inline-block; min-height: 2.5rem; padding: .45rem 1rem; border-radius: .5rem; border: 2px solid var(--accent);
  background: var(--accent); color: #fff; font: inherit; font-weight: 650; line-height: 1.3; text-decoration: none; cursor: pointer;
}
button:hover, .button:hover { background: var(--accent-hover); border-color: var(--accent-hover); color: #fff; }
button.secondary, .button.secondary { background: var(--card); color: var(--accent); }
button.secondary:hover { background: var(--accent-soft); color: var(--accent-hover); }
button.danger { background: var(--error); border-color: var(--error); }
button.danger:hover { background: #7f1013; border-color: #7f1013; }
button.link { background: none; border: 0; padding: 0; min-height: 0; color: var(--accent); font-weight: 600; text-decoration: underline; text-underline-offset: .2em; }
button.link:hover { color: var(--accent-hover); background: none; }
.flash { background: var(--ok-bg); color: var(--ok); border: 1px solid #b9e2c9; border-radius: .6rem; padding: .7rem 1rem; }
.alert { background: var(--error-bg); color: var(--error); border: 1px solid #f3c2c2; border-radius: .6rem; padding: .7rem 1rem; font-weight: 600; }
.error { color: var(--error); font-weight: 600; margin: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 650; padding: 0 0 .5rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 650; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
pre.preview { white-space: pre-wrap; background: var(--bg); border: 1px solid var(--line); border-radius: .5rem; padding: .75rem; max-height: 24rem; overflow: auto; }
iframe.preview { display: block; width: 100%; height: 28rem; border: 1px solid var(--line); border-radius: .5rem; background: #fff; }
progress { width: 12rem; max-width: 100%; height: 1rem; vertical-align: middle; accent-color: var(--accent); }
.nowrap { white-space: nowrap; }
td.hash { min-width: 8.5rem; max-width: 9rem; font-size: .7rem; word-break: break-all; }
.timeline td { max-width: 11rem; }
h2.later { margin-top: 1.5rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 650; background: var(--accent-soft); color: var(--accent); }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.no { background: var(--error-bg); color: var(--error); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.chart svg { display: block; width: 100%; height: auto; }
.chart figcaption { font-weight: 650; margin: 0 0 .5rem; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: .5rem 0; padding: 0; font-size: .85rem; color: var(--muted); }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: .2rem; margin-right: .35rem; vertical-align: -.05rem; }
.k1 { background: #1d47c4; } .k2 { background: #c2410c; } .k3 { background: #0f766e; } .k4 { background: #7e22ce; } .k5 { background: #a16207; } .k6 { background: #be123c; } .k7 { background: #4a5468; }
details summary { cursor: pointer; color: var(--accent); font-weight: 600; margin: .25rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 0 0 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
@media (max-width: 40rem) {
  main { padding: 1rem .75rem 2rem; }
  .bar { padding: .6rem .75rem; }
  nav ul { padding: 0 .5rem .5rem; }
  .card { padding: 1rem .85rem; }
  h1 { font-size: 1.3rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .4rem; }
}
`;
