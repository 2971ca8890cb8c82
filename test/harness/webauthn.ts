/**
 * A software WebAuthn authenticator for tests: real ES256 (P-256) keys, real CBOR and COSE
 * encoding, attestation "none", user presence and user verification flags, a signature counter.
 * It produces exactly what a browser's `PublicKeyCredential.toJSON()` gives the server, so the
 * server's @simplewebauthn/server checks run unmodified.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// ---- CBOR (RFC 8949), the subset WebAuthn uses: integers, byte and text strings, arrays, maps ---------

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | boolean | null;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}

export function cborEncode(v: Cbor): Buffer {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError('only integers');
    return v >= 0 ? head(0, v) : head(1, -1 - v);
  }
  if (typeof v === 'boolean') return Buffer.from([v ? 0xf5 : 0xf4]);
  if (v === null) return Buffer.from([0xf6]);
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, b.length), b]); }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), Buffer.from(v)]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cborEncode)]);
  return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cborEncode(k), cborEncode(x)])]);
}

// ---- the authenticator ---------------------------------------------------------------------------

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest();

/** COSE_Key (RFC 9053) of a P-256 public key: kty EC2, alg ES256, crv P-256, x, y. */
export function coseEc2PublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return cborEncode(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
}

interface Credential {
  id: Buffer;
  rpId: string;
  userHandle: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  counter: number;
}

export interface CreationOptions {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string; displayName: string };
  excludeCredentials?: Array<{ id: string }>;
}

export interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
}

export class SoftAuthenticator {
  readonly credentials: Credential[] = [];
  /** AAGUID: all zeros, as a "none" attestation may give. */
  private readonly aaguid = Buffer.alloc(16);

  constructor(private readonly origin: string, private readonly flags = { userVerified: true }) {}

  private rpId(options: { rp?: { id?: string }; rpId?: string }): string {
    return options.rp?.id ?? options.rpId ?? new URL(this.origin).hostname;
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  private flagsByte(attested: boolean): number {
    return 0x01 /* UP */ | (this.flags.userVerified ? 0x04 /* UV */ : 0) | (attested ? 0x40 /* AT */ : 0);
  }

  /** navigator.credentials.create() followed by toJSON(). */
  create(options: CreationOptions, opts: { origin?: string } = {}) {
    const rpId = this.rpId(options);
    if (options.excludeCredentials?.some((c) => this.credentials.some((k) => b64url(k.id) === c.id))) throw new Error('InvalidStateError: credential excluded');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(32);
    const cred: Credential = { id, rpId, userHandle: Buffer.from(options.user.id, 'base64url'), privateKey, publicKey, counter: 0 };
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(id.length);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(cred.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flagsByte(true)]), counter, this.aaguid, idLen, id, coseEc2PublicKey(publicKey)]);
    const attestationObject = cborEncode(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    this.credentials.push(cred);
    return {
      id: b64url(id), rawId: b64url(id), type: 'public-key' as const,
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge, opts.origin ?? this.origin)), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {}, authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get() followed by toJSON(); `tamper` corrupts the signature (tests). */
  get(options: RequestOptions, opts: { origin?: string; tamper?: boolean; counter?: number } = {}) {
    const rpId = this.rpId(options);
    const allowed = options.allowCredentials?.length ? options.allowCredentials.map((c) => c.id) : null;
    const cred = this.credentials.find((k) => k.rpId === rpId && (!allowed || allowed.includes(b64url(k.id))));
    if (!cred) throw new Error('NotAllowedError: no credential for this relying party');
    cred.counter = opts.counter ?? cred.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(cred.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flagsByte(false)]), counter]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, opts.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    if (opts.tamper) signature[signature.length - 1]! ^= 0x01;
    return {
      id: b64url(cred.id), rawId: b64url(cred.id), type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: b64url(cred.userHandle) },
      clientExtensionResults: {}, authenticatorAttachment: 'platform' as const,
    };
  }
}
