import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setRequestLanguage } from '../api/client.ts';
import { en } from './en.ts';
import { fill, type Lang, type MessageKey, type Messages, type TArgs } from './messages.ts';
import { vi } from './vi.ts';

const dictionaries: Record<Lang, Messages> = { vi, en };
const STORAGE_KEY = 'open06.lang';

export type Translate = <K extends MessageKey>(key: K, ...args: TArgs<K>) => string;

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
}

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'vi' || v === 'en') return v;
  } catch {
    // Storage may be blocked (private mode, policy): fall back to the default.
  }
  return 'vi';
}

/** What the rest of the page must know about the language: `<html lang>` and API requests. */
function apply(lang: Lang): void {
  document.documentElement.lang = lang;
  setRequestLanguage(lang);
}

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, ...args) => fill(dict[key], args[0]);
}

const I18nContext = createContext<I18n | null>(null);

/** Vietnamese by default; the choice is kept in localStorage and followed by other open tabs. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = storedLang();
    apply(l);
    return l;
  });

  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Not persisted; the switch still applies to this page.
    }
    apply(l);
    setLangState(l);
  }, []);

  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === STORAGE_KEY && (e.newValue === 'vi' || e.newValue === 'en')) {
        apply(e.newValue);
        setLangState(e.newValue);
      }
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const value = useMemo<I18n>(() => ({ lang, setLang, t: translator(lang) }), [lang, setLang]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
