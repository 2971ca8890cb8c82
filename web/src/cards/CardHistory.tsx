import { useRef, useState } from 'react';
import { useOfficer } from '../auth/session.tsx';
import { ACTION_FROM, type CardView, type StatusAction } from './cards.types.ts';
import { Fact } from './fields.tsx';
import { cardStatusText, eventText, formatDate, formatInstant, kindText } from './format.ts';
import { StatusForm } from './StatusForm.tsx';
import { useText } from './text.ts';

/** One card: its dates and status, its events, and the actions its status allows. */
function CardItem({ card, onChanged }: { card: CardView; onChanged(v: CardView, action: StatusAction): void }) {
  const { ct } = useText();
  const officer = useOfficer();
  const [open, setOpen] = useState<StatusAction | null>(null);
  const buttons = useRef<Partial<Record<StatusAction, HTMLButtonElement | null>>>({});
  const actions = (['report_lost', 'revoke'] as const).filter((a) => ACTION_FROM[a].includes(card.status));
  const headingId = `card-${card.cardNo}-title`;

  const close = (a: StatusAction) => {
    setOpen(null);
    // Back to the button that opened the form.
    requestAnimationFrame(() => buttons.current[a]?.focus());
  };

  return (
    <li className="card-item" aria-labelledby={headingId} data-testid="card-item">
      <div className="card-item__head">
        <h3 id={headingId}>
          {ct('history.card', { cardNo: card.cardNo })} — {kindText(card.issueKind, ct)}
        </h3>
        <span className={`status status--card-${card.status}`} data-testid="card-status">
          {cardStatusText(card.status, ct)}
        </span>
      </div>
      <dl className="facts facts--compact">
        <Fact term={ct('history.issueDate')}>{formatDate(card.issueDate)}</Fact>
        <Fact term={ct('history.expiry')}>{card.expiryDate ? formatDate(card.expiryDate) : ct('value.never')}</Fact>
        <Fact term={ct('history.authority')}>{card.authority}</Fact>
        <Fact term={ct('history.legalBasis')}>{card.legalBasis}</Fact>
        {card.reason && <Fact term={ct('history.reason')}>{card.reason}</Fact>}
        {card.statusReason && <Fact term={ct('history.statusReason')}>{card.statusReason}</Fact>}
      </dl>
      <h4 className="card-item__events-title">{ct('history.events')}</h4>
      <ol className="timeline timeline--cards">
        {card.events.map((e, i) => (
          <li key={i} className="timeline__item" data-testid="card-event">
            <p className="timeline__title">{eventText(e.kind, ct)}</p>
            <dl className="timeline__meta">
              <div>
                <dt>{ct('history.at')}</dt>
                <dd>
                  <time dateTime={e.at}>{formatInstant(e.at)}</time>
                </dd>
              </div>
              <div>
                <dt>{ct('history.by')}</dt>
                <dd>{e.actorKind === 'system' ? ct('actor.system') : e.actorId === officer.id ? ct('actor.you') : ct('actor.officer')}</dd>
              </div>
              {e.legalBasis && (
                <div>
                  <dt>{ct('history.legalBasis')}</dt>
                  <dd>{e.legalBasis}</dd>
                </div>
              )}
              {e.reason && (
                <div>
                  <dt>{ct('history.reason')}</dt>
                  <dd>{e.reason}</dd>
                </div>
              )}
            </dl>
          </li>
        ))}
      </ol>
      {actions.length > 0 && !open && (
        <div className="form__actions">
          {actions.map((a) => (
            <button key={a} type="button" ref={(el) => { buttons.current[a] = el; }} className={a === 'revoke' ? 'button button--secondary button--danger-outline' : 'button button--secondary'} onClick={() => setOpen(a)}>
              {a === 'report_lost' ? ct('status.reportLost') : ct('status.revoke')}
            </button>
          ))}
        </div>
      )}
      {open && (
        <StatusForm
          card={card}
          action={open}
          onCancel={() => close(open)}
          onDone={(v) => {
            setOpen(null);
            onChanged(v, open);
          }}
        />
      )}
    </li>
  );
}

/** The person's cards, newest first. */
export function CardHistory({ cards, onChanged }: { cards: readonly CardView[]; onChanged(v: CardView, action: StatusAction): void }) {
  const { ct } = useText();
  if (!cards.length) return <p data-testid="cards-empty">{ct('history.empty')}</p>;
  return (
    <ol className="card-list" data-testid="card-history">
      {cards.map((c) => (
        <CardItem key={c.cardNo} card={c} onChanged={onChanged} />
      ))}
    </ol>
  );
}
