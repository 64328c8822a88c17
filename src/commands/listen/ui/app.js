// hooky's web view: the live list (Server-Sent Events from /_hooky/events, falling back to polling
// the /_hooky/requests feed), the filters, the detail pane and its actions.
// Everything captured is shown with textContent / text nodes, never parsed as HTML.
'use strict';

(function () {
  const meta = (name) => document.querySelector('meta[name="' + name + '"]').content;
  const TOKEN = meta('hooky-token');
  const REPLAY_BASE = meta('hooky-replay-base');
  const CAPTURING = meta('hooky-capturing') === 'true';
  // The browser keeps at most this many requests; older ones stay in the capture file.
  const MAX_KEPT = 2000;
  const POLL_MS = 2000;
  const JSON_TREE_LIMIT = 5000;

  const records = new Map(); // seq → record (capture record or feed item)
  let lastSeq = 0;
  let selected = null;
  let source = null;
  let polling = null;

  const $ = (id) => document.getElementById(id);
  const rows = $('rows');
  const detail = $('detail');
  const connection = $('connection');
  const filterText = $('filter-text');
  const filterType = $('filter-type');
  const filterVerdict = $('filter-verdict');
  const knownTypes = new Set();

  // Builds an element; string children become text nodes, so nothing is ever parsed as HTML.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key in node && typeof value !== 'string') node[key] = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Replaces a node's children; nested arrays are flattened and empty entries dropped.
  function fill(node, ...children) {
    node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  }

  function setConnection(state, text) {
    connection.className = 'connection ' + state;
    connection.textContent = text;
  }

  // ---- records -------------------------------------------------------------------------------

  // Feed items (the polling fallback) name a few fields differently from capture records.
  function normalise(item) {
    if (item.event_type === undefined && item.type !== undefined) item.event_type = item.type;
    if (!Array.isArray(item.headers)) item.partial = true;
    return item;
  }

  function add(record) {
    record = normalise(record);
    if (typeof record.seq !== 'number' || record.seq <= lastSeq) return;
    lastSeq = record.seq;
    records.set(record.seq, record);
    if (record.event_type && !knownTypes.has(record.event_type)) {
      knownTypes.add(record.event_type);
      const options = [...knownTypes].sort();
      fill(filterType, el('option', { value: '' }, 'All event types'),
        ...options.map((t) => el('option', { value: t }, t)));
      filterType.value = currentTypeFilter;
    }
    const row = renderRow(record);
    rows.prepend(row);
    while (records.size > MAX_KEPT) {
      const oldest = records.keys().next().value;
      records.delete(oldest);
      const gone = rows.querySelector('tr[data-seq="' + oldest + '"]');
      if (gone) gone.remove();
    }
    applyFilter(row, record);
    updateCount();
    if (!document.activeElement || document.activeElement === document.body) ensureTabStop();
  }

  function verdictOf(record) {
    return (record.verdict && record.verdict.verdict) || 'unsigned';
  }

  function formatTime(text) {
    const date = new Date(text);
    if (isNaN(date)) return text || '';
    const pad = (n, w) => String(n).padStart(w || 2, '0');
    return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) +
      '.' + pad(date.getMilliseconds(), 3);
  }

  function formatSize(bytes) {
    if (typeof bytes !== 'number') return '';
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KiB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function statusClass(status) {
    return 'status s' + String(status || 0).charAt(0);
  }

  function verdictBadge(record) {
    const verdict = verdictOf(record);
    const scheme = record.verdict && record.verdict.scheme;
    return el('span', { class: 'badge ' + verdict, title: scheme ? verdict + ' (' + scheme + ')' : verdict }, verdict);
  }

  function pathOf(record) {
    return record.path + (record.query ? '?' + record.query : '');
  }

  function renderRow(record) {
    const row = el('tr', {
      'data-seq': String(record.seq),
      tabindex: '-1',
      'aria-selected': 'false',
      class: 'fresh',
      onclick: () => select(record.seq, false),
    },
    el('td', { class: 'seq' }, String(record.seq)),
    el('td', { class: 'time', title: record.received_at }, formatTime(record.received_at)),
    el('td', { class: 'method' }, record.method),
    el('td', { class: 'col-path', title: pathOf(record) }, pathOf(record)),
    el('td', { class: 'col-type', title: record.event_type || '' }, record.event_type || '—'),
    el('td', { class: 'col-size' }, formatSize(record.body_size)),
    el('td', { class: 'verdict' }, verdictBadge(record)),
    el('td', { class: 'answered' }, el('span', { class: statusClass(record.status) }, String(record.status))),
    el('td', { class: 'col-dup' }, record.duplicate_of
      ? el('span', { class: 'badge dup', title: 'same event id as #' + record.duplicate_of }, 'dup #' + record.duplicate_of)
      : ''));
    return row;
  }

  // ---- filters -------------------------------------------------------------------------------

  let currentTypeFilter = '';

  function matches(record) {
    const type = filterType.value;
    if (type && record.event_type !== type) return false;
    const verdict = filterVerdict.value;
    if (verdict && verdictOf(record) !== verdict) return false;
    const text = filterText.value.trim().toLowerCase();
    if (!text) return true;
    const haystack = [record.method, pathOf(record), record.event_type, record.event_id, record.id,
      String(record.status), record.body_encoding === 'utf8' ? record.body : '']
      .filter(Boolean).join('\n').toLowerCase();
    return haystack.includes(text);
  }

  function applyFilter(row, record) {
    row.hidden = !matches(record);
  }

  function refilter() {
    currentTypeFilter = filterType.value;
    for (const row of rows.children) applyFilter(row, records.get(Number(row.dataset.seq)));
    updateCount();
    ensureTabStop();
  }

  function visibleRows() {
    return [...rows.children].filter((row) => !row.hidden);
  }

  function updateCount() {
    const shown = visibleRows().length;
    $('empty').hidden = records.size > 0;
    $('count').textContent = shown === records.size
      ? records.size + ' request' + (records.size === 1 ? '' : 's')
      : shown + ' of ' + records.size + ' shown';
  }

  filterText.addEventListener('input', refilter);
  filterType.addEventListener('change', refilter);
  filterVerdict.addEventListener('change', refilter);

  $('clear-view').addEventListener('click', () => {
    // Only the view: the capture file and the listener's sequence are untouched.
    records.clear();
    rows.replaceChildren();
    selected = null;
    fill(detail, el('p', { class: 'empty' }, 'View cleared. New requests appear here; the capture file still has every request.'));
    updateCount();
  });

  // ---- keyboard ------------------------------------------------------------------------------

  // One row is in the tab order (roving tabindex); arrows move between the visible rows.
  function ensureTabStop() {
    const visible = visibleRows();
    if (visible.some((row) => row.tabIndex === 0 && !row.hidden)) return;
    for (const row of rows.children) row.tabIndex = -1;
    const target = visible.find((row) => Number(row.dataset.seq) === selected) || visible[0];
    if (target) target.tabIndex = 0;
  }

  function focusRow(row) {
    if (!row) return;
    for (const other of rows.children) other.tabIndex = -1;
    row.tabIndex = 0;
    row.focus();
  }

  rows.addEventListener('keydown', (event) => {
    const row = event.target.closest('tr');
    if (!row) return;
    const visible = visibleRows();
    const index = visible.indexOf(row);
    switch (event.key) {
      case 'ArrowDown': focusRow(visible[index + 1]); break;
      case 'ArrowUp': focusRow(visible[index - 1]); break;
      case 'Home': focusRow(visible[0]); break;
      case 'End': focusRow(visible[visible.length - 1]); break;
      case 'Enter': case ' ': select(Number(row.dataset.seq), true); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener('keydown', (event) => {
    const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      filterText.focus();
    } else if (event.key === 'Escape' && detail.contains(document.activeElement)) {
      const row = rows.querySelector('tr[data-seq="' + selected + '"]');
      if (row) focusRow(row);
    }
  });

  // ---- detail --------------------------------------------------------------------------------

  async function select(seq, moveFocus) {
    selected = seq;
    for (const row of rows.children) {
      row.setAttribute('aria-selected', String(Number(row.dataset.seq) === seq));
    }
    const row = rows.querySelector('tr[data-seq="' + seq + '"]');
    if (row) focusRow(row);
    let record = records.get(seq);
    if (!record) return;
    if ((record.partial || record.body_deferred) && CAPTURING) {
      fill(detail, el('p', { class: 'empty' }, 'Loading #' + seq + '…'));
      try {
        const response = await fetch('/_hooky/requests/' + seq, { headers: { accept: 'application/json' } });
        if (response.ok) {
          record = normalise(await response.json());
          record.partial = false;
          records.set(seq, record);
        }
      } catch (e) { /* show what we have */ }
      if (selected !== seq) return;
    }
    renderDetail(record);
    if (moveFocus) detail.focus();
  }

  function section(title, ...content) {
    return [el('h3', {}, title), ...content];
  }

  function facts(pairs) {
    return el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }

  function renderDetail(record) {
    const verdict = record.verdict || {};
    const forward = record.forward;
    fill(detail, 
      el('h2', {}, '#' + record.seq + ' ' + record.method + ' ' + pathOf(record)),
      facts([
        ['Received', record.received_at ? new Date(record.received_at).toLocaleString() + ' (' + record.received_at + ')' : ''],
        ['From', record.remote_addr],
        ['Event', record.event_type],
        ['Event id', record.event_id],
        ['Capture id', record.id],
        ['Duplicate of', record.duplicate_of ? '#' + record.duplicate_of + ' (same event id)' : ''],
      ]),
      section('Verification',
        el('p', {}, verdictBadge(record), verdict.scheme ? ' ' + verdict.scheme : '',
          verdict.secret_index !== undefined ? ' (secret #' + verdict.secret_index + ')' : ''),
        verdict.reason ? el('p', {}, (verdict.code ? verdict.code + ': ' : '') + verdict.reason) : null,
        verdictOf(record) === 'unsigned' ? el('p', { class: 'note' }, 'No signature hooky recognises (or no secret to check it with).') : null),
      section('Answer',
        facts([
          ['hooky answered', el('span', { class: statusClass(record.status) }, String(record.status))],
          ['Forwarded to', forward ? forward.url : ''],
          ['App answered', forward ? (forward.status ? String(forward.status) : 'no answer') : ''],
          ['App took', forward ? forward.latency_ms + ' ms' : ''],
          ['Forward error', forward ? forward.error : ''],
        ])),
      section('Actions', actions(record)),
      section('Headers', headersTable(record)),
      section('Body' + (record.body_size !== undefined ? ' (' + formatSize(record.body_size) + ')' : ''), bodyView(record)),
    );
  }

  function headersTable(record) {
    if (!Array.isArray(record.headers)) return el('p', { class: 'note' }, 'Headers are in the capture file (not available here).');
    if (record.headers.length === 0) return el('p', { class: 'note' }, 'No headers.');
    return el('table', { class: 'headers' }, el('tbody', {}, record.headers.map(([name, value]) =>
      el('tr', {}, el('td', {}, name), el('td', {}, value)))));
  }

  function contentType(record) {
    const header = (record.headers || []).find(([name]) => name.toLowerCase() === 'content-type');
    return header ? header[1].toLowerCase() : '';
  }

  function bodyView(record) {
    if (record.body_omitted) return el('p', { class: 'note' }, 'Body not kept: ' + record.body_omitted);
    if (record.body === null || record.body === undefined) {
      return el('p', { class: 'note' }, record.body_deferred ? 'The body is too large to show here; download the HAR.' : 'No body.');
    }
    if (record.body === '') return el('p', { class: 'note' }, 'Empty body.');
    if (record.body_encoding === 'base64') return hexView(record.body);
    const text = record.body;
    if (contentType(record).split(';')[0].trim() === 'application/x-www-form-urlencoded') return formTable(text);
    const looksJson = contentType(record).includes('json') || /^\s*[[{]/.test(text);
    if (looksJson) {
      try {
        const value = JSON.parse(text);
        const budget = { nodes: JSON_TREE_LIMIT };
        const tree = jsonNode(value, null, 0, budget);
        if (budget.nodes >= 0) return el('div', { class: 'json body' }, tree);
        return el('pre', { class: 'body' }, JSON.stringify(value, null, 2));
      } catch (e) { /* not JSON after all: show the text */ }
    }
    return el('pre', { class: 'body' }, text);
  }

  // A form body (Twilio's webhooks) as a table of its fields, decoded, in order.
  function formTable(text) {
    const fields = [...new URLSearchParams(text)];
    if (fields.length === 0) return el('pre', { class: 'body' }, text);
    return el('table', { class: 'headers form body' }, el('tbody', {}, fields.map(([name, value]) =>
      el('tr', {}, el('td', {}, name), el('td', {}, value)))));
  }

  function hexView(base64) {
    let bytes;
    try {
      bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    } catch (e) {
      return el('p', { class: 'error' }, 'The body is not valid base64.');
    }
    const shown = Math.min(bytes.length, 64 * 1024);
    const lines = [];
    for (let offset = 0; offset < shown; offset += 16) {
      const chunk = bytes.subarray(offset, Math.min(offset + 16, shown));
      const hex = [...chunk].map((b) => b.toString(16).padStart(2, '0')).join(' ');
      const ascii = [...chunk].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      lines.push(offset.toString(16).padStart(8, '0') + '  ' + hex.padEnd(47) + '  ' + ascii);
    }
    return [
      el('p', { class: 'note' }, 'Binary body' + (shown < bytes.length ? ', first ' + formatSize(shown) + ' shown' : '') + ':'),
      el('pre', { class: 'body hex' }, lines.join('\n')),
    ];
  }

  // A JSON value as nested <details>: objects and arrays fold; deep levels start folded.
  function jsonNode(value, key, depth, budget) {
    budget.nodes -= 1;
    const label = key === null ? [] : [el('span', { class: 'key' }, JSON.stringify(key)), ': '];
    if (value !== null && typeof value === 'object') {
      const isArray = Array.isArray(value);
      const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
      const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) return el('div', {}, label, open + close);
      const members = el('div', { class: 'members' });
      for (const [k, v] of entries) {
        if (budget.nodes < 0) break;
        members.append(jsonNode(v, isArray ? null : k, depth + 1, budget));
      }
      return el('details', { open: depth < 3 },
        el('summary', {}, label, open, el('span', { class: 'hint' }, ' ' + entries.length + (isArray ? ' items' : ' keys') + ' ')),
        members, el('div', {}, close));
    }
    const kind = value === null ? 'null' : typeof value;
    return el('div', {}, label, el('span', { class: kind }, JSON.stringify(value)));
  }

  // ---- actions -------------------------------------------------------------------------------

  function actions(record) {
    if (!CAPTURING) {
      return el('p', { class: 'note' }, 'This listener runs with --no-capture: copy as curl, HAR download and replay need the capture file.');
    }
    const output = el('div', { class: 'action-output', role: 'status', 'aria-live': 'polite' });
    const copy = el('button', {
      type: 'button',
      onclick: async () => {
        fill(output, el('p', { class: 'note' }, 'Building the curl command…'));
        try {
          const response = await fetch('/_hooky/requests/' + record.seq + '/curl');
          const text = await response.text();
          if (!response.ok) throw new Error(errorMessage(text));
          let copied = false;
          try {
            await navigator.clipboard.writeText(text);
            copied = true;
          } catch (e) { /* no clipboard permission: the command is shown to copy by hand */ }
          fill(output, el('p', { class: 'note' }, copied ? 'Copied to the clipboard:' : 'Copy it from here:'),
            el('pre', { class: 'curl' }, text));
        } catch (e) {
          fill(output, el('p', { class: 'error' }, 'Cannot build the curl command: ' + e.message));
        }
      },
    }, 'Copy as curl');
    const har = el('a', { class: 'button', href: '/_hooky/requests/' + record.seq + '.har', download: 'hooky-' + record.seq + '.har' }, 'Download HAR');
    const url = el('input', {
      type: 'url',
      value: REPLAY_BASE.replace(/\/+$/, '') + pathOf(record),
      'aria-label': 'Replay to URL',
      required: true,
      spellcheck: 'false',
    });
    const resign = el('input', { type: 'checkbox', id: 'resign' });
    const send = el('button', { type: 'submit' }, 'Replay');
    const form = el('form', {
      class: 'replay',
      onsubmit: async (event) => {
        event.preventDefault();
        send.disabled = true;
        fill(output, el('p', { class: 'note' }, 'Replaying #' + record.seq + '…'));
        try {
          const response = await fetch('/_hooky/replay', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hooky-token': TOKEN },
            body: JSON.stringify({ seq: record.seq, url: url.value, resign: resign.checked }),
          });
          const text = await response.text();
          if (!response.ok) throw new Error(errorMessage(text));
          fill(output, ...replayResult(JSON.parse(text)));
        } catch (e) {
          fill(output, el('p', { class: 'error' }, 'Replay failed: ' + e.message));
        } finally {
          send.disabled = false;
        }
      },
    }, url, el('label', {}, resign, ' re-sign'), send);
    return [el('div', { class: 'actions' }, copy, har), form, output];
  }

  function errorMessage(text) {
    try {
      const value = JSON.parse(text);
      return value.message || value.error || text;
    } catch (e) {
      return text;
    }
  }

  function replayResult(result) {
    const answered = result.status
      ? el('span', { class: statusClass(result.status) }, String(result.status))
      : el('span', { class: 'error' }, result.error || 'no answer');
    return [
      el('p', {}, 'Sent to ', el('span', { class: 'mono' }, result.url), result.resigned ? ' (re-signed)' : '', ': ',
        answered, ' in ' + result.latency_ms + ' ms'),
      ...(result.notes || []).map((note) => el('p', { class: 'note' }, note)),
      result.response_withheld ? el('p', { class: 'note' }, 'Answer not shown: ' + result.response_withheld) : null,
      result.response_body ? el('pre', { class: 'replay-answer' }, result.response_body + (result.response_truncated ? '\n…' : '')) : null,
    ];
  }

  // ---- the live list -------------------------------------------------------------------------

  function connect() {
    if (!('EventSource' in window)) return startPolling();
    const since = lastSeq > 0 ? '?since=' + lastSeq : '';
    source = new EventSource('/_hooky/events' + since);
    source.addEventListener('open', () => setConnection('live', 'live'));
    source.addEventListener('request', (event) => {
      try {
        add(JSON.parse(event.data));
      } catch (e) { /* a damaged event: the next one still counts */ }
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // The stream was refused (not just cut): the feed still works.
        source = null;
        startPolling();
      } else {
        setConnection('down', 'reconnecting…');
      }
    });
  }

  function startPolling() {
    if (polling) return;
    if (!CAPTURING) {
      setConnection('down', 'live updates unavailable (and --no-capture: no feed to poll)');
      return;
    }
    setConnection('polling', 'polling');
    const tick = async () => {
      try {
        const response = await fetch('/_hooky/requests?since=' + lastSeq, { headers: { accept: 'application/json' } });
        if (response.ok) {
          const page = await response.json();
          for (const item of page.items || []) add(item);
          setConnection('polling', 'polling');
          polling = setTimeout(tick, page.has_more ? 0 : POLL_MS);
          return;
        }
        setConnection('down', 'feed answered ' + response.status);
      } catch (e) {
        setConnection('down', 'listener unreachable');
      }
      polling = setTimeout(tick, POLL_MS);
    };
    tick();
  }

  updateCount();
  connect();
})();
