// @ts-check
// The help panel beside the profile form: how to create a token, where the host URL is,
// which permissions to grant (from the `requirements` command) and the external-user note.

import * as api from '../api.js';
import { h, icon, asCommandError } from '../dom.js';
import { t, tOr } from '../i18n.js';

export const TOKEN_PAGE = 'https://id.atlassian.com/manage-profile/security/api-tokens';

/** @type {Promise<import('../api.js').RequirementsView>|null} */
let cached = null;
/** The requirement table, the advice and the scopes, fetched once per session. */
export function loadRequirements() {
  if (!cached) cached = api.call('requirements', {}).catch((e) => { cached = null; throw e; });
  return cached;
}

/** @type {Promise<string|null>|null} */
let gateway = null;
/** The gateway that replaces Atlassian's (its origin), or null: asked once per session
 *  (the app reads it at start), again after a failure. */
export function loadGatewayNotice() {
  if (!gateway) gateway = api.call('gateway_notice', {}).catch(() => { gateway = null; return null; });
  return gateway;
}

/** The notice that another gateway receives scoped tokens and the organisation key.
 *  @param {string} origin */
export function gatewayBanner(origin) {
  return h('div', { class: 'banner banner-warn gateway-notice', role: 'note', dataset: { fk: 'gateway-notice' } },
    icon('warning'), h('span', { text: t('gateway.notice', { origin }) }));
}

/** Backup/Restore badges. @param {string[]} requiredFor */
export function purposeBadges(requiredFor) {
  return h('span', { class: 'purpose-badges' }, ['backup', 'restore'].map((p) => requiredFor.includes(p)
    ? h('span', { class: ['badge', `badge-${p}`], title: t(`audit.purpose.${p}`) }, t(`help.badge.${p}`))
    : h('span', { class: 'badge badge-off', 'aria-hidden': 'true' }, t(`help.badge.${p}`))));
}

/** @param {{openExternal: (url: string) => void}} ctx */
export function createHelpPanel(ctx) {
  const el = h('aside', { class: 'help card', 'aria-labelledby': 'help-title' });
  /** @type {import('../api.js').RequirementsView|null} */
  let reqs = null;
  /** @type {string|null} */
  let reqError = null;

  function load() {
    loadRequirements().then((r) => { reqs = r; reqError = null; render(); }, (e) => { reqError = asCommandError(e).message; render(); });
  }

  /** @param {'global'|'project'} scope */
  function group(scope) {
    const items = (reqs?.permissions ?? []).filter((r) => r.scope === scope);
    if (!items.length) return null;
    return h('div', { class: 'req-group' },
      h('h4', { text: t(`help.perms.${scope}`) }),
      h('p', { class: 'small muted where', text: t(`help.perms.${scope}Where`) }),
      h('ul', { class: 'req-list' }, items.map((r) => h('li', { class: 'req', dataset: { key: r.key } },
        h('div', { class: 'req-head' },
          h('span', { class: 'req-name', text: r.name }),
          purposeBadges(r.required_for)),
        h('div', { class: 'req-key mono small', text: r.key }),
        r.project_types.length ? h('div', { class: 'req-where small muted', text: t('help.req.onlyIn', { types: r.project_types.map((x) => t(`projectType.${x}`)).join(', '), apps: r.applications.length ? r.applications.map((a) => t(`app.${a}`)).join(', ') : t('help.req.everyApp') }) }) : null,
        h('div', { class: 'req-why small', text: tOr(`req.why.${r.key}`, r.why) })))));
  }

  /** The scopes a token with scopes needs, per call of the audit. */
  function scopes() {
    const calls = reqs?.scopes ?? [];
    const classic = [...new Set(calls.flatMap((c) => c.classic))];
    return h('section', { class: 'help-section', dataset: { fk: 'help-scopes' } },
      h('h3', {}, h('span', { class: 'step-no', 'aria-hidden': 'true', text: '4' }), t('help.scopes.title')),
      h('p', { class: 'small', text: t('help.scopes.lead') }),
      h('p', { class: 'small' }, t('help.scopes.classic'), ' ', classic.flatMap((x, i) => (i ? [', ', h('code', { text: x })] : [h('code', { text: x })]))),
      h('details', { class: 'small' },
        h('summary', { text: t('help.scopes.perCall') }),
        h('ul', { class: 'scope-list' }, calls.map((c) => h('li', {},
          h('div', { class: 'mono', text: c.call }),
          h('div', { class: 'muted', text: t('help.scopes.either', { classic: c.granular_only ? t('help.scopes.granularOnly') : c.classic.length ? c.classic.join(', ') : t('help.scopes.none'), granular: c.granular.join(', ') }) }))))));
  }

  function render() {
    el.replaceChildren(
      h('h2', { id: 'help-title', class: 'help-title', text: t('help.title') }),
      h('section', { class: 'help-section' },
        h('h3', {}, h('span', { class: 'step-no', 'aria-hidden': 'true', text: '1' }), t('help.token.title')),
        h('button', { type: 'button', class: 'btn btn-secondary btn-block', dataset: { fk: 'help-token' }, onclick: () => ctx.openExternal(TOKEN_PAGE) }, icon('key'), t('help.token.open'), icon('external', 'trail')),
        h('ol', { class: 'help-steps' }, [1, 2, 3, 4].map((i) => h('li', { text: t(`help.token.step${i}`) })))),
      h('section', { class: 'help-section' },
        h('h3', {}, h('span', { class: 'step-no', 'aria-hidden': 'true', text: '2' }), t('help.host.title')),
        h('p', { text: t('help.host.text') }),
        h('p', {}, h('code', { text: 'https://your-sub-domain.atlassian.net' }))),
      h('section', { class: 'help-section' },
        h('h3', {}, h('span', { class: 'step-no', 'aria-hidden': 'true', text: '3' }), t('help.perms.title')),
        h('p', { class: 'small', text: t('help.perms.lead') }),
        reqError
          ? h('div', { class: 'banner banner-error', role: 'alert' }, icon('warning'), h('span', { text: reqError }),
            h('button', { type: 'button', class: 'btn btn-secondary btn-sm', text: t('common.retry'), onclick: load }))
          : reqs ? [group('global'), group('project')] : h('p', { class: 'muted', text: t('common.loading') })),
      reqs ? scopes() : '',
      h('section', { class: 'help-section help-note' },
        h('h3', {}, icon('info'), t('help.external.title')),
        h('p', { text: t('help.external.text') })),
    );
  }

  render();
  load();
  return { el, render };
}
