export { SessionProvider, useSession, useOfficer, type Session, type SessionState, type SignedOutNotice } from './session.tsx';
export { SignInPage } from './SignInPage.tsx';
export { roleLabel, rolesText, jurisdictionText } from './officer-text.ts';
export { ROLES, isRole, type Officer, type Jurisdiction, type Role } from './auth.types.ts';
