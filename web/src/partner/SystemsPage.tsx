import { useId, useRef, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact } from '../ui/fields.tsx';
import { JwksForm } from '../ui/JwksForm.tsx';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant } from '../ui/format.ts';
import { replaceKeys, type Jwk, type PartnerSystem } from './partner.api.ts';
import { useMember } from './PartnerApp.tsx';
import { useText, type XT } from './text.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** What is wrong with a pasted JWKS before it is sent (the server checks each key again with jose). */
export function jwksProblem(text: string, xt: XT): { ok: true; jwks: { keys: Jwk[] } } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: xt('keys.err.required') };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: xt('keys.err.json', { reason: (e as Error).message }) };
  }
  // A single key is accepted as a JWKS of one.
  if (v && typeof v === 'object' && !Array.isArray(v) && 'kty' in v) v = { keys: [v] };
  const keys = (v as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.length || keys.some((k) => !k || typeof k !== 'object' || Array.isArray(k))) return { ok: false, message: xt('keys.err.noKeys') };
  for (const [i, k] of (keys as Jwk[]).entries()) {
    const priv = PRIVATE_MEMBERS.filter((m) => m in k);
    if (priv.length) return { ok: false, message: xt('keys.err.private', { n: i, members: priv.join(', ') }) };
  }
  return { ok: true, jwks: { keys: keys as Jwk[] } };
}

/** The member's systems: client ID, status, rate limit, public keys; managers replace the keys. */
export function SystemsPage() {
  const { xt } = useText();
  const { member } = useMember();
  const ref = usePageTitle(xt('systems.title'));
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const [systems, setSystems] = useState<PartnerSystem[]>(member.systems);

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('systems.title')}
      </h1>
      <p className="lead">{xt('systems.lead')}</p>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="systems-notice">
        {notice ?? ''}
      </p>
      {systems.length ? (
        systems.map((s) => (
          <SystemItem
            key={s.id}
            s={s}
            canManage={member.role === 'manager' && member.status === 'active' && s.status === 'active'}
            onSaved={(saved) => {
              setSystems((list) => list.map((x) => (x.id === saved.id ? saved : x)));
              setNotice(xt('keys.saved', { system: saved.name }));
              focusAfterRender(() => noticeRef.current);
            }}
          />
        ))
      ) : (
        <p>{xt('systems.none')}</p>
      )}
    </div>
  );
}

function SystemItem({ s, canManage, onSaved }: { s: PartnerSystem; canManage: boolean; onSaved(s: PartnerSystem): void }) {
  const { xt } = useText();
  const { member } = useMember();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  return (
    <section className="panel partner-system" aria-labelledby={`${id}-name`} data-testid="partner-system">
      <h2 id={`${id}-name`}>
        {s.name} <span className={s.status === 'active' ? 'badge badge--ok' : 'badge'}>{xt(s.status === 'active' ? 'systemStatus.active' : 'systemStatus.disabled')}</span>
      </h2>
      <dl className="facts facts--compact">
        <Fact term={xt('systems.clientId')}>
          <code data-testid="system-client-id">{s.clientId}</code>
        </Fact>
        <Fact term={xt('systems.rate')}>{xt('systems.rateValue', { n: s.ratePerSecond })}</Fact>
        <Fact term={xt('systems.created')}>{formatInstant(s.createdAt)}</Fact>
      </dl>
      <h3>{xt('keys.title')}</h3>
      {s.keys.length ? (
        <table className="portal-table partner-keys" data-testid="system-keys">
          <thead>
            <tr>
              <th scope="col">{xt('keys.kid')}</th>
              <th scope="col">{xt('keys.type')}</th>
              <th scope="col">{xt('keys.alg')}</th>
            </tr>
          </thead>
          <tbody>
            {s.keys.map((k, i) => (
              <tr key={`${k.kid ?? ''}-${i}`}>
                <th scope="row" data-label={xt('keys.kid')}>
                  <code>{k.kid ?? '—'}</code>
                </th>
                <td data-label={xt('keys.type')}>{[k.kty, k.crv].filter(Boolean).join(' ')}</td>
                <td data-label={xt('keys.alg')}>{k.alg ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{xt('keys.none')}</p>
      )}
      <details className="partner-jwks">
        <summary>{xt('keys.showJwks')}</summary>
        <pre className="code-block">{JSON.stringify(s.jwks, null, 2)}</pre>
      </details>
      {canManage &&
        (editing ? (
          <KeysForm
            memberId={member.id}
            system={s}
            onCancel={() => {
              setEditing(false);
              focusAfterRender(() => askRef.current);
            }}
            onSaved={(saved) => {
              setEditing(false);
              onSaved(saved);
            }}
          />
        ) : (
          <p>
            <button ref={askRef} type="button" className="button button--secondary" onClick={() => setEditing(true)}>
              {xt('keys.replace')}
              <span className="visually-hidden">: {s.name}</span>
            </button>
          </p>
        ))}
    </section>
  );
}

/** Paste or upload the new JWKS; what was typed stays when the server refuses it, with the reason next to the field. */
function KeysForm({ memberId, system, onCancel, onSaved }: { memberId: string; system: PartnerSystem; onCancel(): void; onSaved(s: PartnerSystem): void }) {
  const { xt } = useText();
  const texts = {
    title: xt('keys.formTitle', { system: system.name }), label: xt('keys.jwks'), hint: xt('keys.hint'), save: xt('keys.save'), saving: xt('keys.saving'), cancel: xt('keys.cancel'),
    file: { label: xt('keys.file'), unreadable: (name: string) => xt('keys.err.file', { name }) },
  };
  return <JwksForm initial={system.jwks} texts={texts} className="partner-keys-form" check={(text) => jwksProblem(text, xt)} onSave={async (jwks) => onSaved(await replaceKeys(memberId, system.id, jwks))} onCancel={onCancel} />;
}
