// Error text shown to anyone (`/healthz` is open to every caller, CONTRACT §7): the first line,
// bounded, with credentials in URLs and key=value secrets cut out (issue 12 item 15, as for 500s).
export function publicError(message: string): string {
  return message
    .split('\n')[0]
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd|token|secret|key)=\S+/gi, '$1=***')
    .slice(0, 200);
}
