/**
 * Untrusted JSON for the console. Alert content is written by other agencies:
 * a member named `__proto__`, `constructor` or `prototype` must never reach an
 * object's prototype when the console reads or copies claims. Every object is
 * rebuilt as a null-prototype copy (the hub refuses such names; this is the
 * console's own guarantee, whatever it is sent).
 */

function nullPrototypeCopy(_key, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy = Object.create(null);
  // Plain assignment is safe here: a null-prototype object has no __proto__ setter.
  for (const key of Object.keys(value)) copy[key] = value[key];
  return copy;
}

/** JSON.parse with every object a null-prototype copy. */
export function parseJson(text) {
  return JSON.parse(text, nullPrototypeCopy);
}

/** A fetch Response's body, parsed with parseJson. */
export async function readJson(res) {
  return parseJson(await res.text());
}
