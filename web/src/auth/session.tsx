import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api/problem.ts';
import { onUnauthorized } from '../api/client.ts';
import * as authApi from './auth.api.ts';
import type { Officer } from './auth.types.ts';

export type SignedOutNotice = 'sessionExpired' | 'signedOut';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'unavailable'; error: unknown }
  | { kind: 'signed-out'; notice: SignedOutNotice | null }
  | { kind: 'signed-in'; officer: Officer };

export interface Session {
  state: SessionState;
  /** Rejects with an ApiError (wrong password, locked, invalid); the caller shows it. */
  signIn(username: string, password: string): Promise<Officer>;
  /** Rejects only when the server could not be told (the session would still be valid). */
  signOut(): Promise<void>;
  /** Asks the server again who is signed in (after `unavailable`). */
  reload(): void;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in, from `GET /api/v1/auth/me`; the session itself is an HttpOnly cookie. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    authApi.me(ctrl.signal).then(
      ({ officer }) => setState({ kind: 'signed-in', officer }),
      (error: unknown) => {
        if (ctrl.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) setState({ kind: 'signed-out', notice: null });
        else setState({ kind: 'unavailable', error });
      },
    );
    return () => ctrl.abort();
  }, [attempt]);

  useEffect(
    () => onUnauthorized(() => setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', notice: 'sessionExpired' } : s))),
    [],
  );

  const signIn = useCallback(async (username: string, password: string) => {
    const { officer } = await authApi.login(username, password);
    setState({ kind: 'signed-in', officer });
    return officer;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setState({ kind: 'signed-out', notice: 'signedOut' });
  }, []);

  const reload = useCallback(() => {
    setState({ kind: 'loading' });
    setAttempt((a) => a + 1);
  }, []);

  const value = useMemo<Session>(() => ({ state, signIn, signOut, reload }), [state, signIn, signOut, reload]);
  return <SessionContext value={value}>{children}</SessionContext>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** The signed-in officer; only for pages rendered inside the signed-in shell. */
export function useOfficer(): Officer {
  const { state } = useSession();
  if (state.kind !== 'signed-in') throw new Error('useOfficer outside the signed-in shell');
  return state.officer;
}
