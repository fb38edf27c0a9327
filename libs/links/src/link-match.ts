/**
 * Link matching: given a new message's pseudonyms and the index rows they matched,
 * which counterpart messages link to it, through which kinds, and how strongly.
 * A link is only ever between two agencies: rows of the message's own agency
 * (its earlier messages, its re-deliveries) never link.
 */
import type { HandlingCode, Tlp } from '@liaison/contracts';
import type { Pseudonym } from './pseudonym';
import { SELECTOR_KINDS, strengthOfKinds, type LinkStrength, type SelectorKind } from './selector';

/** A message as the link index knows it: who holds it, under which marks. */
export interface LinkedMessage {
  readonly agency: string;
  readonly messageId: string;
  /** The holder's case reference, shown to the counterpart so it knows whom to ask about what. */
  readonly caseHandle: string | null;
  readonly tlp: Tlp;
  readonly handlingCode: HandlingCode;
}

/** One row of the link index: a pseudonym a message holds. */
export interface LinkIndexRow extends LinkedMessage {
  readonly epoch: number;
  readonly kind: SelectorKind;
  readonly pseudonym: string;
}

/** A new message with its pseudonyms under every key epoch in force. */
export interface MessageLinkFacts extends LinkedMessage {
  readonly pseudonyms: readonly Pseudonym[];
}

export interface LinkPair {
  /** The new message. */
  readonly message: LinkedMessage;
  readonly counterpart: LinkedMessage;
  /** Distinct kinds shared, in SELECTOR_KINDS order. */
  readonly kinds: readonly SelectorKind[];
  /** EXACT when any shared kind is exact, else POSSIBLE. */
  readonly strength: LinkStrength;
}

/** One key for a pseudonym under its epoch and kind: what the index matches on. */
export function pseudonymKey(p: {
  readonly epoch: number;
  readonly kind: string;
  readonly pseudonym: string;
}): string {
  return `${p.epoch}\u0000${p.kind}\u0000${p.pseudonym}`;
}

export function matchLinks(message: MessageLinkFacts, rows: readonly LinkIndexRow[]): LinkPair[] {
  const held = new Set(message.pseudonyms.map(pseudonymKey));
  const byCounterpart = new Map<string, { row: LinkIndexRow; kinds: Set<SelectorKind> }>();
  for (const row of rows) {
    if (row.agency === message.agency || row.messageId === message.messageId) continue;
    if (!held.has(pseudonymKey(row))) continue;
    const key = `${row.agency}\u0000${row.messageId}`;
    const entry = byCounterpart.get(key);
    if (entry === undefined) byCounterpart.set(key, { row, kinds: new Set([row.kind]) });
    else entry.kinds.add(row.kind);
  }
  const self: LinkedMessage = {
    agency: message.agency,
    messageId: message.messageId,
    caseHandle: message.caseHandle,
    tlp: message.tlp,
    handlingCode: message.handlingCode,
  };
  return [...byCounterpart.values()]
    .map(({ row, kinds }) => ({
      message: self,
      counterpart: {
        agency: row.agency,
        messageId: row.messageId,
        caseHandle: row.caseHandle,
        tlp: row.tlp,
        handlingCode: row.handlingCode,
      },
      kinds: SELECTOR_KINDS.filter((k) => kinds.has(k)),
      strength: strengthOfKinds(kinds),
    }))
    .sort(
      (a, b) =>
        a.counterpart.agency.localeCompare(b.counterpart.agency) ||
        a.counterpart.messageId.localeCompare(b.counterpart.messageId),
    );
}
