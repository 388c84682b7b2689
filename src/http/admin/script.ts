// The console's one script, served from the app (CSP `script-src 'self'`): it keeps a running
// broadcast's progress current by reading its JSON every two seconds. Without it the page still shows
// the figures of when it was loaded, and a link to load it again.
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
`;
