/**
 * Reactions of the cards module to other modules' events (docs/events.md): a registered death
 * revokes the dead person's cards. Delivered at least once by the outbox; revocation skips cards
 * already revoked, so a redelivery changes nothing.
 */
import type { Kysely } from 'kysely';
import { consumeAll } from '../platform/events/outbox.ts';
import type { CardsService } from './cards.service.ts';

export const DEATH_CONSUMER = 'cards.revoke-on-death';

/** Handles every `person.deceased` event not yet handled; returns the number of outbox rows read. */
export function revokeCardsOfDeceased(db: Kysely<any>, cards: CardsService): Promise<number> {
  return consumeAll(db, DEATH_CONSUMER, ['person.deceased'], async (event, trx) => {
    const subjects = (event.payload.subjects ?? []) as Array<{ idNumber: string; role: string }>;
    for (const s of subjects) if (s.role === 'deceased') await cards.revokeForDeath(trx, s.idNumber, event.payload.eventId);
  });
}

/** Runs a consumer every `intervalMs` until stopped; runs never overlap. */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly run: () => Promise<unknown>, private readonly intervalMs: number, private readonly onError: (e: unknown) => void) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => { void this.once(); }, this.intervalMs);
    this.timer.unref();
  }

  /** One run now, or the one already in flight. */
  once(): Promise<unknown> {
    this.running ??= this.run().catch(this.onError).finally(() => { this.running = null; });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
