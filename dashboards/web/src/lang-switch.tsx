// The language every console opens in (zh-CN first, the last choice remembered) and the switch
// in its corner.
import { useState } from 'preact/hooks';
import type { Lang } from './i18n.ts';

/** The console's language and the button that switches it. */
export function useLang(): { lang: Lang; switcher: preact.JSX.Element } {
  const [lang, setLang] = useState<Lang>((localStorage.getItem('hazardline-lang') as Lang) ?? 'zh');
  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('hazardline-lang', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLang(next);
  };
  return { lang, switcher: <button class="lang" onClick={switchLang}>{lang === 'zh' ? 'English' : '中文'}</button> };
}
