// Who acts (CONTRACT §11 Identity, issue 12 item 2): every token entry is one person or one
// station. Its actor id is its `id`, else its `name`; an entry with neither gets an id derived from
// its role and scope (`officer@ent-a`, then `officer@ent-a#2` for the next unnamed one of the same
// scope) — never from the token, which may be weak enough to recover from a hash of it.

export interface TokenIdentityFields {
  role: string;
  id?: string;
  name?: string;
  enterprises: readonly string[];
  jurisdictions: readonly string[];
}

/** The actor id of every entry, in order: explicit ones as given (possibly duplicated: the config check says so), derived ones unique. */
export function actorIds(entries: readonly TokenIdentityFields[]): string[] {
  const taken = new Set(entries.map((e) => e.id ?? e.name).filter((x): x is string => x !== undefined));
  return entries.map((e) => {
    const explicit = e.id ?? e.name;
    if (explicit !== undefined) return explicit;
    const scope = e.enterprises.length > 0 ? e.enterprises.join('+') : e.jurisdictions.length > 0 ? e.jurisdictions.join('+') : 'all';
    const base = `${e.role}@${scope}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}#${n}`;
    taken.add(id);
    return id;
  });
}
