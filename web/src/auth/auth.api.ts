import { api } from '../api/client.ts';
import type { Officer } from './auth.types.ts';

export function login(username: string, password: string): Promise<{ officer: Officer }> {
  return api.post('/api/v1/auth/login', { username, password });
}

export function me(signal?: AbortSignal): Promise<{ officer: Officer }> {
  return api.get('/api/v1/auth/me', signal ? { signal } : {});
}

export function logout(): Promise<void> {
  return api.post('/api/v1/auth/logout');
}
