// @ts-check
// The only module that knows the names of the app's commands.

/** @returns {(cmd: string, args?: object) => Promise<any>} */
function invoker() {
  const t = /** @type {any} */ (window).__TAURI__;
  if (!t?.core?.invoke) throw new Error('ConnKeeper must run inside its desktop window');
  return t.core.invoke;
}

/** @returns {Promise<Array<object>>} every profile, most urgent expiry first */
export function listProfiles() {
  return invoker()('list_profiles');
}
