// @ts-check
import { listProfiles } from './api.js';

const app = /** @type {HTMLElement} */ (document.getElementById('app'));

/** @param {string} s */
function text(s) { return document.createTextNode(s); }

async function render() {
  try {
    const profiles = await listProfiles();
    app.replaceChildren();
    if (profiles.length === 0) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.append(text('No connection profiles yet.'));
      app.append(p);
      return;
    }
    const table = document.createElement('table');
    const head = table.createTHead().insertRow();
    for (const h of ['Name', 'Application', 'Host', 'Email', 'Expires']) {
      const th = document.createElement('th');
      th.append(text(h));
      head.append(th);
    }
    const body = table.createTBody();
    for (const p of profiles) {
      const row = body.insertRow();
      row.dataset.id = p.id;
      for (const v of [p.name, p.application, p.host, p.email, `${p.expires} (${p.days_left} d)`]) {
        row.insertCell().append(text(String(v)));
      }
    }
    app.append(table);
  } catch (e) {
    app.replaceChildren(text(`Could not load profiles: ${/** @type {any} */ (e)?.message ?? e}`));
  }
}

render();
