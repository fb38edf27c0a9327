/**
 * What a verified message gives the link index: the pseudonyms of its canonical
 * selectors under every link key epoch in force, and the marks that decide who
 * may learn of a link to it. The selectors themselves never leave this function.
 */
import type { LinkFacts, Message } from '@liaison/contracts';
import { extractSelectors } from './extract-selectors';
import { pseudonymsOf, type LinkKey } from './pseudonym';

export function linkFactsOf(
  message: Message,
  originatorJurisdiction: string,
  keys: readonly LinkKey[],
): LinkFacts {
  const { selectors } = extractSelectors(message, originatorJurisdiction);
  const handling = message.handling;
  return {
    tlp: handling.tlp,
    handlingCode: handling.handlingCode,
    releasableTo: [...handling.releasableTo],
    namedRecipients: [...handling.namedRecipients],
    pseudonyms: pseudonymsOf(keys, selectors).map((p) => ({
      epoch: p.epoch,
      kind: p.kind,
      pseudonym: p.pseudonym,
    })),
  };
}
