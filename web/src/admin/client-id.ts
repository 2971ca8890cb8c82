import { clientIdTaken } from './admin.api.ts';
import type { DT } from './text.ts';

interface FormWithClientId {
  show(errs: { clientId?: string }, summary: null): void;
  setSubmitting(busy: boolean): void;
}

/**
 * Registering a client ID already in use is refused by the server: the client and system forms ask
 * first, when sent, and put the reason next to the field. True when it was taken (nothing sent).
 */
export async function refuseTakenClientId(form: FormWithClientId, clientId: string | undefined, dt: DT): Promise<boolean> {
  if (!clientId || !(await clientIdTaken(clientId))) return false;
  form.setSubmitting(false);
  form.show({ clientId: dt('clientForm.clientIdTaken', { clientId }) }, null);
  return true;
}
