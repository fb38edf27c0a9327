/**
 * The workspace's stylesheet and its one script, served as files (/app.css,
 * /app.js) so the pages need no inline code. The script does the publish form's
 * live preview: on each edit it asks the workspace for the hub's dry-run and
 * draws the answer with text nodes only (never HTML), every object of it read
 * as a null-prototype copy.
 */

export const APP_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0; }
header { background: #1d2a44; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .3rem 1rem; align-items: baseline; }
header .agency { background: #3b5bdb; border-radius: 3px; padding: 0 .4rem; }
header .hub { opacity: .7; font-size: .85rem; }
header nav { display: flex; gap: .8rem; margin-left: auto; }
header nav a { color: #dfe6ff; text-decoration: none; }
header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #fff; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; }
footer { font-size: .8rem; color: #667; padding: 1rem; text-align: center; }
h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
h2 { font-size: 1.1rem; }
h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
th, td { border-bottom: 1px solid #dde1e7; padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
td ul { margin: .2rem 0 0; padding-left: 1rem; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .4rem; font-size: .8rem; background: #e7eaf0; }
.badge.ok { background: #d3f9d8; color: #1b5e20; }
.badge.bad { background: #ffe3e3; color: #9b1c1c; }
.badge.warn { background: #fff3bf; color: #7a5b00; }
.error { background: #ffe3e3; color: #9b1c1c; padding: .5rem; border-radius: 3px; }
.empty { color: #556; font-style: italic; }
.headline { font-weight: 600; }
h2.headline { font-size: 1.25rem; }
.checks { list-style: none; padding: 0; }
.checks li { margin: .2rem 0; }
section.claims dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .2rem .8rem; margin: 0; background: #fff; padding: .5rem; }
section.claims dt { color: #556; }
section.claims dd { margin: 0; overflow-wrap: anywhere; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .85rem; box-sizing: border-box; }
.preview-state[data-state="error"] { color: #9b1c1c; }
pre.case-text { background: #fff; padding: .8rem; overflow-x: auto; }
code { overflow-wrap: anywhere; }
`;

export const APP_JS = `
const nullProto = (key, value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy = Object.create(null);
  for (const k of Object.keys(value)) copy[k] = value[k];
  return copy;
};
const cell = (text) => {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
};

const area = document.querySelector('form.publish textarea');
const tbody = document.querySelector('table.preview tbody');
const state = document.querySelector('.preview-state');
if (area && tbody && state) {
  let timer;
  let seq = 0;
  const preview = async () => {
    const mine = ++seq;
    state.dataset.state = 'busy';
    state.textContent = 'asking the hub…';
    let res;
    let body;
    try {
      res = await fetch('/api/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: area.value }),
      });
      body = JSON.parse(await res.text(), nullProto);
    } catch (error) {
      if (mine !== seq) return;
      state.dataset.state = 'error';
      state.textContent = 'the workspace does not answer: ' + String(error);
      return;
    }
    if (mine !== seq) return;
    tbody.replaceChildren();
    if (!res.ok) {
      state.dataset.state = 'error';
      state.textContent = String((body && body.error) || 'error ' + res.status);
      return;
    }
    const recipients = Array.isArray(body.recipients) ? body.recipients : [];
    const tally = Object.create(null);
    for (const r of recipients) {
      tally[r.outcome] = (tally[r.outcome] || 0) + 1;
      const tr = document.createElement('tr');
      tr.dataset.agency = String(r.recipient);
      tr.dataset.outcome = String(r.outcome);
      const withheld = Array.isArray(r.withheld) ? r.withheld : [];
      tr.append(
        cell(String(r.recipient)),
        cell(String(r.outcome)),
        cell(Array.isArray(r.rules) ? r.rules.join(', ') : ''),
        cell(
          r.outcome === 'DENIED'
            ? 'nothing delivered'
            : withheld.map((w) => String(w.path) + ' (' + String(w.ruleId) + ')').join('; '),
        ),
      );
      tbody.append(tr);
    }
    const addressed = Array.isArray(body.addressedTo) && body.addressedTo.length > 0
      ? ' Addressed to ' + body.addressedTo.join(', ') + (body.addressedOnly ? ' only.' : '.')
      : '';
    state.dataset.state = 'ok';
    state.textContent = recipients.length + ' recipients: ' +
      Object.keys(tally).sort().map((k) => tally[k] + ' ' + k).join(', ') + '.' + addressed;
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  });
  void preview();
}
`;
