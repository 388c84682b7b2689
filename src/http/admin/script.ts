// The console's one script, served from the app (CSP `script-src 'self'`): it keeps a running
// broadcast's progress current by reading its JSON every two seconds, and on the broadcast form it
// renders the preview as the data is typed (broadcast-preview.tsx). Without it the progress page shows
// the figures of when it was loaded, with a link to load it again, and the form's Preview button posts.
// It writes text only (textContent), never markup, except the email's HTML into a sandboxed frame.
export const CONSOLE_JS = `
(function () {
  var box = document.querySelector('[data-progress-url]');
  if (!box) return;
  var url = box.getAttribute('data-progress-url');
  function set(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = String(value);
  }
  function tick() {
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        var done = p.sent + p.skipped + p.failed;
        var bar = box.querySelector('progress');
        if (bar) { bar.max = Math.max(p.total, 1); bar.value = done; }
        set('status', p.state); set('done', done); set('sent', p.sent); set('skipped', p.skipped); set('failed', p.failed);
        if (p.status === 'queued' || p.status === 'running') setTimeout(tick, 2000);
        else { var cancel = document.getElementById('cancel-broadcast'); if (cancel) cancel.remove(); }
      })
      .catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 2000);
})();
(function () {
  var card = document.querySelector('[data-preview-url]');
  var data = document.getElementById('b-data');
  var template = document.getElementById('b-template');
  if (!card || !data || !template) return;
  var form = data.form;
  var url = card.getAttribute('data-preview-url');
  var part = function (name) { return card.querySelector('[data-preview="' + name + '"]'); };
  var timer = 0;
  var latest = 0;
  function render() {
    var mine = ++latest;
    var body = new URLSearchParams();
    body.set('_csrf', form.elements.namedItem('_csrf').value);
    body.set('template', template.value);
    body.set('data', data.value);
    fetch(url, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' }, body: body })
      .then((r) => r.ok ? r.json() : null)
      .then((p) => {
        // An answer to an older keystroke must not overwrite a newer one.
        if (mine !== latest) return;
        card.hidden = false;
        if (!p) { part('status').textContent = card.getAttribute('data-waiting'); return; }
        part('status').textContent = '';
        part('subject').textContent = p.subject;
        part('text').textContent = p.text;
        // The frame is sandboxed without allow-scripts: its document can run nothing.
        part('html').srcdoc = p.html;
      })
      .catch(() => {});
  }
  // Debounced: one render after a pause in typing, not one per key.
  function later() { clearTimeout(timer); timer = setTimeout(render, 350); }
  data.addEventListener('input', later);
  template.addEventListener('change', later);
})();
`;
