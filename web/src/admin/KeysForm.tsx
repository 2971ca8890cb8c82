import { JwksForm } from '../ui/JwksForm.tsx';
import { parseJwks, type Jwk } from './admin.api.ts';
import { useText, type DT } from './text.ts';

/** A pasted JWKS, or why it cannot be used (in the admin's words). */
export function jwksProblem(text: string, dt: DT): { ok: true; jwks: { keys: Jwk[] } } | { ok: false; message: string } {
  const r = parseJwks(text);
  if (r.ok) return r;
  switch (r.problem) {
    case 'required':
      return { ok: false, message: dt('clientForm.jwksRequired') };
    case 'noKeys':
      return { ok: false, message: dt('clientForm.jwksNoKeys') };
    case 'private':
      return { ok: false, message: dt('clientForm.jwksPrivate') };
    case 'invalid':
      return { ok: false, message: dt('clientForm.jwksInvalid', { reason: r.reason }) };
  }
}

/** The admin's JWKS form (old and new keys together for a rotation without downtime). */
export function KeysForm({ initial, heading, onCancel, onSave }: { initial: { keys: Jwk[] } | null; heading?: 'h3' | 'h4'; onCancel(): void; onSave(jwks: { keys: Jwk[] }): Promise<void> }) {
  const { dt } = useText();
  const texts = { title: dt('keysForm.title'), label: dt('clientForm.jwks'), hint: dt('keysForm.hint'), save: dt('keysForm.save'), saving: dt('keysForm.saving'), cancel: dt('keysForm.cancel') };
  return <JwksForm initial={initial} heading={heading} texts={texts} className="client__keys" check={(text) => jwksProblem(text, dt)} onSave={onSave} onCancel={onCancel} />;
}
