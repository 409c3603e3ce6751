// Error paths as operators read them in config and rule files (`enterprises[0].sites[1].zones[2].maxPersons`),
// shared by the config loader and the rule compiler (rules/ may import the model only).

/** `enterprises[0].sites[1]` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(root)';
}
