// @ts-check
// A small W3C WebDriver client over Node's fetch (keep-alive, unlike clients that send
// `Connection: close`, which WebKitWebDriver drops after a few requests). Enough for
// driving the real ConnKeeper window through tauri-driver.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecc';

/** The key this driver uses in element references (learned from its answers). */
let refKey = ELEMENT;

/** The id inside an element reference. @param {any} ref */
function elementId(ref) {
  const key = ref && (ELEMENT in ref ? ELEMENT : Object.keys(ref)[0]);
  if (key) refKey = key;
  return key ? ref[key] : undefined;
}

/** An element reference to pass to scripts. @param {string} id */
export function ref(id) {
  return { [refKey]: id };
}

export class WebDriver {
  /** @param {string} base e.g. http://127.0.0.1:4444 @param {string} id session id */
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** @param {string} base @param {object} capabilities */
  static async connect(base, capabilities) {
    const value = await request(base, 'POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return new WebDriver(base, value.sessionId);
  }

  /** @param {string} method @param {string} path @param {unknown} [body] */
  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  quit() {
    return this.cmd('DELETE', '');
  }

  /** @param {string} css @returns {Promise<string>} element id */
  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return elementId(v);
  }

  /** @param {string} css @returns {Promise<string[]>} */
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map(elementId);
  }

  /** Waits until `css` matches a displayed element. @param {string} css @param {number} [ms] */
  async waitFor(css, ms = 15000) {
    return this.until(`element ${css}`, async () => {
      const found = await this.findAll(css);
      for (const el of found) {
        if (await this.cmd('GET', `/element/${el}/displayed`)) return el;
      }
      return null;
    }, ms);
  }

  /** Polls `probe` until it returns a truthy value. @template T
   * @param {string} what @param {() => Promise<T>} probe @param {number} [ms] @returns {Promise<T>} */
  async until(what, probe, ms = 15000) {
    const end = Date.now() + ms;
    let last;
    for (;;) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** @param {string} el */
  click(el) {
    return this.cmd('POST', `/element/${el}/click`, {});
  }

  /** @param {string} el */
  clear(el) {
    return this.cmd('POST', `/element/${el}/clear`, {});
  }

  /** @param {string} el @param {string} text */
  type(el, text) {
    return this.cmd('POST', `/element/${el}/value`, { text });
  }

  /** @param {string} el */
  text(el) {
    return this.cmd('GET', `/element/${el}/text`);
  }

  /** @param {string} el @param {string} name */
  property(el, name) {
    return this.cmd('GET', `/element/${el}/property/${name}`);
  }

  /** @param {string} script @param {unknown[]} [args] */
  exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** @param {string} script @param {unknown[]} [args] */
  execAsync(script, args = []) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  /** @returns {Promise<Buffer>} PNG */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }
}

/** @param {string} base @param {string} method @param {string} path @param {unknown} [body] */
async function request(base, method, path, body) {
  const res = await fetch(base + path, {
    signal: AbortSignal.timeout(120000),
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = /** @type {any} */ (await res.json().catch(() => ({})));
  if (!res.ok || json?.value?.error) {
    const e = json?.value ?? {};
    throw new Error(`WebDriver ${method} ${path}: ${e.error ?? res.status} ${e.message ?? ''}`);
  }
  return json.value;
}

/** Waits until a TCP port accepts WebDriver status requests. @param {string} base @param {number} ms */
export async function waitForDriver(base, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`${base}/status`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`no WebDriver at ${base}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
