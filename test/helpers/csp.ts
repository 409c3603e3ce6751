// Content-Security-Policy violations seen by the end-to-end pages (issue 12 item 13): the consoles
// must run under the gateway's CSP, so a violation fails the suite.
import type { Page } from 'playwright-core';

const seen: string[] = [];

/** Records every CSP violation the page reports (console and securitypolicyviolation). */
export function watchCsp(page: Page): Page {
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

export const cspViolations = (): readonly string[] => seen;
