/**
 * Passkey registration in the browser: the server's PublicKeyCredentialCreationOptionsJSON (from
 * @simplewebauthn/server) becomes the binary options navigator.credentials.create() takes, and the
 * new credential goes back as RegistrationResponseJSON. Uses the browser's own JSON helpers when it
 * has them, else converts base64url by hand.
 */

type Json = Record<string, unknown>;

function fromB64u(s: string): ArrayBuffer {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '=');
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

function toB64u(buf: ArrayBuffer): string {
  const a = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]!);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

type PKC = typeof PublicKeyCredential & { parseCreationOptionsFromJSON?: (o: unknown) => PublicKeyCredentialCreationOptions };

export function creationOptions(json: unknown): PublicKeyCredentialCreationOptions {
  const parse = (window.PublicKeyCredential as PKC).parseCreationOptionsFromJSON;
  if (parse) return parse(json);
  const o = json as Json & { user: Json; excludeCredentials?: Json[] };
  return {
    ...(o as object),
    challenge: fromB64u(String(o.challenge)),
    user: { ...(o.user as object), id: fromB64u(String(o.user.id)) },
    excludeCredentials: (o.excludeCredentials ?? []).map((c) => ({ ...(c as object), id: fromB64u(String(c.id)) })),
  } as PublicKeyCredentialCreationOptions;
}

export function registrationJson(cred: PublicKeyCredential): Json {
  const withJson = cred as PublicKeyCredential & { toJSON?: () => Json };
  if (typeof withJson.toJSON === 'function') return withJson.toJSON();
  const r = cred.response as AuthenticatorAttestationResponse;
  const transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
  return {
    id: cred.id,
    rawId: toB64u(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: { clientDataJSON: toB64u(r.clientDataJSON), attestationObject: toB64u(r.attestationObject), transports },
  };
}

/** Asks the device for a new passkey; null when the person cancels or the device refuses. */
export async function createPasskey(optionsJson: unknown): Promise<Json | null> {
  try {
    const cred = (await navigator.credentials.create({ publicKey: creationOptions(optionsJson) })) as PublicKeyCredential | null;
    return cred ? registrationJson(cred) : null;
  } catch (e) {
    if (e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'AbortError' || e.name === 'InvalidStateError')) return null;
    throw e;
  }
}
