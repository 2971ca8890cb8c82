import { useEffect, useId, useState, type RefObject } from 'react';
import { portraitDataUrl, readDg13, DG13 } from './chip.ts';
import type { IssueResult } from './cards.types.ts';
import { formatDate } from './format.ts';
import { qrDataUrl, qrFields } from './qr.ts';
import { cardsTranslator, useText, type PlainKey } from './text.ts';

const translators = { vi: cardsTranslator('vi'), en: cardsTranslator('en') };
/** The card's own texts are bilingual, whatever the interface language. */
const cardText = (lang: 'vi' | 'en', key: PlainKey): string => (translators[lang] as (k: PlainKey) => string)(key);
const vi = (k: PlainKey) => cardText('vi', k);
const en = (k: PlainKey) => cardText('en', k);

type Qr = { state: 'loading' } | { state: 'ready'; url: string } | { state: 'error' };

/** Both languages on the card, as it prints them: "Vietnamese / English". */
function Label({ vi, en }: { vi: string; en: string }) {
  return (
    <span className="id-card__label">
      {vi} / <i lang="en">{en}</i>
    </span>
  );
}

/** Across each face, in both languages: a specimen, synthetic data. */
function Specimen() {
  return (
    <span className="id-card__specimen" aria-hidden="true">
      <span>{vi('preview.specimen')}</span>
      <span>{en('preview.specimen')}</span>
    </span>
  );
}

/**
 * The print preview of a card just issued: front and back in the layout of the 2024 card (roughly),
 * from what the issue returned — the QR payload (rendered here as an image), the MRZ, the portrait
 * in DG2 and the fields of DG13. Always marked as a synthetic specimen.
 */
export function CardPreview({ issued, headingRef }: { issued: IssueResult; headingRef?: RefObject<HTMLHeadingElement | null> }) {
  const { ct } = useText();
  const id = useId();
  const [qr, setQr] = useState<Qr>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    qrDataUrl(issued.qr).then(
      (url) => live && setQr({ state: 'ready', url }),
      () => live && setQr({ state: 'error' }),
    );
    return () => {
      live = false;
    };
  }, [issued.qr]);

  const q = qrFields(issued.qr);
  const dg13 = readDg13(issued.chip.dataGroups.DG13);
  const face = portraitDataUrl(issued.chip.dataGroups.DG2);
  const first = (n: number) => dg13.get(n)?.[0] ?? '';
  const expiry = issued.card.expiryDate ? formatDate(issued.card.expiryDate) : first(DG13.expiry) || ct('value.never');
  const cardNo = issued.card.cardNo;

  return (
    <section className="panel card-sheet" aria-labelledby={`${id}-title`} data-testid="card-preview">
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {ct('preview.title', { cardNo })}
      </h2>
      <p className="card-sheet__specimen-note">
        <strong>
          {vi('preview.specimen')} / <span lang="en">{en('preview.specimen')}</span>
        </strong>{' '}
        — {ct('preview.specimenNote')}
      </p>
      <div className="card-sheet__faces">
        <figure className="card-face">
          <figcaption>{ct('preview.front')}</figcaption>
          <div className="id-card id-card--front" data-testid="card-front">
            <div className="id-card__head">
              <span className="id-card__emblem" aria-hidden="true">
                ★
              </span>
              <span className="id-card__state">
                <strong>{vi('card.republic')}</strong>
                <span lang="en">{en('card.republic')}</span>
                <strong>{vi('card.motto')}</strong>
                <span lang="en">{en('card.motto')}</span>
              </span>
            </div>
            <p className="id-card__title">
              {vi('card.title')} <span lang="en">/ {en('card.title')}</span>
            </p>
            <div className="id-card__body">
              <div className="id-card__photo">{face ? <img src={face} alt={ct('preview.faceAlt')} data-testid="card-face" /> : null}</div>
              <dl className="id-card__fields">
                <div>
                  <dt>
                    <Label vi={vi('card.idNumber')} en={en('card.idNumber')} />
                  </dt>
                  <dd className="id-card__number" data-testid="card-id">
                    {q.idNumber}
                  </dd>
                </div>
                <div>
                  <dt>
                    <Label vi={vi('card.fullName')} en={en('card.fullName')} />
                  </dt>
                  <dd className="id-card__name" data-testid="card-name">
                    {q.fullName.toLocaleUpperCase('vi')}
                  </dd>
                </div>
                <div>
                  <dt>
                    <Label vi={vi('card.birthDate')} en={en('card.birthDate')} />
                  </dt>
                  <dd>{q.birthDate}</dd>
                </div>
                <div className="id-card__pair">
                  <div>
                    <dt>
                      <Label vi={vi('card.sex')} en={en('card.sex')} />
                    </dt>
                    <dd>{q.sex}</dd>
                  </div>
                  <div>
                    <dt>
                      <Label vi={vi('card.nationality')} en={en('card.nationality')} />
                    </dt>
                    <dd>{first(DG13.nationality)}</dd>
                  </div>
                </div>
              </dl>
            </div>
            <span className="id-card__chip" aria-hidden="true" />
            <Specimen />
          </div>
        </figure>

        <figure className="card-face">
          <figcaption>{ct('preview.back')}</figcaption>
          <div className="id-card id-card--back" data-testid="card-back">
            <div className="id-card__body">
              <div className="id-card__qr">
                {qr.state === 'ready' && <img src={qr.url} alt={ct('preview.qrAlt', { cardNo })} data-testid="card-qr" />}
                {qr.state === 'error' && <span className="id-card__qr-failed">{ct('preview.qrFailed')}</span>}
              </div>
              <dl className="id-card__fields">
                <div>
                  <dt>
                    <Label vi={vi('card.residence')} en={en('card.residence')} />
                  </dt>
                  <dd>{q.address}</dd>
                </div>
                <div>
                  <dt>
                    <Label vi={vi('card.origin')} en={en('card.origin')} />
                  </dt>
                  <dd>{first(DG13.placeOfOrigin)}</dd>
                </div>
                <div className="id-card__pair">
                  <div>
                    <dt>
                      <Label vi={vi('card.issueDate')} en={en('card.issueDate')} />
                    </dt>
                    <dd>{formatDate(issued.card.issueDate)}</dd>
                  </div>
                  <div>
                    <dt>
                      <Label vi={vi('card.expiry')} en={en('card.expiry')} />
                    </dt>
                    <dd data-testid="card-expiry">{expiry}</dd>
                  </div>
                </div>
              </dl>
            </div>
            <p className="id-card__authority">{issued.card.authority}</p>
            <div className="id-card__mrz" role="group" aria-label={ct('preview.mrz')} data-testid="card-mrz">
              {issued.mrz.map((line, i) => (
                <span key={i} className="id-card__mrz-line">
                  {line}
                </span>
              ))}
            </div>
            <Specimen />
          </div>
        </figure>
      </div>
      <details className="card-sheet__details">
        <summary>{ct('preview.qrPayload')}</summary>
        <p className="card-sheet__payload" data-testid="card-qr-payload">
          {issued.qr}
        </p>
      </details>
      <div className="form__actions card-sheet__actions">
        <button type="button" className="button button--secondary" onClick={() => window.print()}>
          {ct('preview.print')}
        </button>
      </div>
    </section>
  );
}
