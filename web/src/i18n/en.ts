import type { Messages, PlaceholderMismatch } from './messages.ts';

/** English messages: the compiler refuses a missing or extra key, or different placeholders. */
export const en = {
  'app.name': 'Open06 — National population database',
  'app.skipToContent': 'Skip to main content',
  'app.loading': 'Loading…',
  'app.loadFailed': 'The data could not be loaded',
  'app.retry': 'Try again',
  'app.pageTitle': '{page} — Open06',
  'app.moduleFailed': 'This page could not be loaded. Check the network connection, then reload the page.',
  'app.reload': 'Reload the page',

  'lang.label': 'Language',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'English',

  'form.optional': '(optional)',
  'form.errorPrefix': 'Error:',
  'value.none': 'not recorded',

  'table.sortHint': 'Select a column heading to sort.',
  'pager.label': 'Pages',
  'pager.previous': 'Previous page',
  'pager.next': 'Next page',
  'pager.page': 'Page {n}',

  'nav.label': 'Modules',
  'nav.menu': 'Menu',
  'nav.home': 'Home',
  'nav.population': 'Population registry',
  'nav.cards': 'ID cards',
  'nav.eid': 'eID',
  'nav.exchange': 'Data exchange',
  'nav.audit': 'Audit log',
  'nav.admin': 'Administration',
  'nav.comingSoon': 'coming soon',

  'header.officer': 'Officer',
  'header.roles': 'Role',
  'header.jurisdiction': 'Jurisdiction',
  'header.signOut': 'Sign out',
  'header.signingOut': 'Signing out…',

  'role.registrar': 'Registrar',
  'role.card_officer': 'Card officer',
  'role.service_officer': 'Service officer',
  'role.supervisor': 'Supervisor',
  'role.auditor': 'Auditor',
  'role.admin': 'Administrator',
  'role.none': 'No role assigned',

  'jurisdiction.nationwide': 'Nationwide',
  'jurisdiction.province': '{province}',
  'jurisdiction.commune': '{commune}, {province}',

  'signIn.title': 'Officer sign-in',
  'signIn.intro': 'For officers who have been given an account. Every sign-in is recorded in the audit log.',
  'signIn.username': 'Username',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.usernameRequired': 'Enter your username.',
  'signIn.passwordRequired': 'Enter your password.',
  'signIn.errorHeading': 'Could not sign in',
  'signIn.sessionExpired': 'Your session has ended. Please sign in again.',
  'signIn.signedOut': 'You have signed out.',

  'error.network': 'Cannot reach the server. Check the network connection and try again.',
  'error.unexpected': 'Unexpected answer from the server (status {status}). Please try again later.',
  'error.startup': 'Could not load your session',

  'home.title': 'Home',
  'home.greeting': 'Hello, {name}',
  'home.summary': 'You are working as {roles}. Jurisdiction: {jurisdiction}.',
  'home.account': 'Account',
  'home.username': 'Username',
  'home.modules': 'Modules',
  'home.modulesNote': 'Modules marked “coming soon” are not built yet; each opens from the menu when it is ready.',
  'home.moduleAvailable': 'available',

  'notFound.title': 'Page not found',
  'notFound.body': 'There is no page at {path} in this application.',
  'notFound.back': 'Back to home',
} as const satisfies Messages;

/** Fails to compile, naming the keys, if a translation drops or misspells a `{placeholder}`. */
export const enPlaceholdersMatch: [PlaceholderMismatch<typeof en>] extends [never] ? true : { mismatchedKeys: PlaceholderMismatch<typeof en> } = true;
