/** Canonical JSON: the same value always gives the same text, whatever the key order it was built with. */

/** A copy of `v` with every object's keys sorted, so that JSON.stringify of it is canonical. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) o[k] = sortKeys((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}
