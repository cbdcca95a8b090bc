// Live tail on Manage > Audit: while the newest page is open, new events matching its filter appear at the top, without moving a reader who has scrolled.
(() => {
  const status = document.getElementById('live-tail');
  const table = document.querySelector('table.events');
  if (!status || !table || !window.EventSource || !window.DOMParser) return;
  const params = new URLSearchParams(location.search);
  // Only the newest page grows: an older page stays as it was.
  if (params.has('after') || params.has('before')) return;
  const rows = () => [...table.querySelectorAll('tbody.event')];
  const first = rows()[0];
  const firstTime = first && first.querySelector('time[datetime]');
  const since = first && firstTime
    ? `${Date.parse(firstTime.getAttribute('datetime'))}_${encodeURIComponent(first.dataset.id)}`
    : `${Math.floor(performance.timeOrigin)}_0`;
  const source = new EventSource(`${status.dataset.src}?${params}${params.toString() ? '&' : ''}since=${since}`);
  let added = 0;
  let waiting = 0;
  let busy = false;
  const say = (text) => { status.textContent = text; };
  say('Live: new events appear at the top as they arrive.');

  const showTimes = (root) => {
    if (table.dataset.tz === 'utc') return;
    root.querySelectorAll('time.when[datetime]').forEach((el) => {
      const d = new Date(el.getAttribute('datetime'));
      if (!Number.isNaN(d.getTime())) el.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
    });
  };

  /** Fetches the newest rows of the same filter and puts the unseen ones on top, keeping what the reader looks at in place. */
  const insert = async () => {
    if (busy || !waiting) return;
    busy = true;
    const size = Math.min(waiting, 200);
    waiting = 0;
    try {
      const query = new URLSearchParams(params);
      query.set('size', String(size));
      const res = await fetch(`${location.pathname}?${query}`, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      const seen = new Set(rows().map((r) => r.dataset.id));
      const fresh = [...doc.querySelectorAll('table.events tbody.event')].filter((r) => !seen.has(r.dataset.id));
      if (!fresh.length) return;
      const anchor = rows().find((r) => r.getBoundingClientRect().bottom > 0) || table;
      const top = anchor.getBoundingClientRect().top;
      const scrolled = window.scrollY > 0;
      const before = rows()[0] || table.querySelector('tbody');
      for (const row of fresh) {
        const node = document.importNode(row, true);
        node.classList.add('live-new');
        showTimes(node);
        table.insertBefore(node, before);
      }
      const empty = table.querySelector('tbody:not(.event)');
      if (empty && rows().length) empty.remove();
      // Browsers may anchor the scroll themselves; whatever moved is put back.
      if (scrolled) window.scrollBy(0, anchor.getBoundingClientRect().top - top);
      added += fresh.length;
      say(`Live: ${added} new event${added === 1 ? '' : 's'} since you opened the page.`);
    } finally {
      busy = false;
      if (waiting) void insert();
    }
  };

  source.addEventListener('events', (e) => {
    waiting += JSON.parse(e.data).count;
    void insert();
  });
  source.addEventListener('paused', () => say('Live: the audit store does not answer; still trying.'));
  source.addEventListener('end', (e) => {
    source.close();
    const reason = JSON.parse(e.data).reason;
    say(reason === 'server-stopping' ? 'Live tail stopped: the server is restarting. Reload the page to resume.' : 'Live tail stopped: your session has ended. Sign in again to resume.');
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) say('Live tail stopped. Reload the page to resume.');
  });
})();
