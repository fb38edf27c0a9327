/**
 * One delivery as text, for a reader: the message (headline, urgency, case,
 * subjects, route, vehicles, ...), then what was withheld and under which rule,
 * and what was checked (originator signature, envelope, hub receipt). The
 * withheld count is the hub's list (covered by its receipt) everywhere: in feed
 * lines, `show`, `verify` and `status`.
 */
import { tlpLabel } from '@liaison/messages';
import type { DeliveryJson, DeliveryReading } from './delivery-reader';
import { readableMessage, readableMessageLines, type ReadableMessage } from './readable-message';

/** TLP as the documents spell it (AMBER+STRICT). */
export { tlpLabel };

/** `2026-12-02 14:05Z` from an ISO date-time; the text itself when it is not one. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** The first lines: type, urgency, TLP, case; the headline. */
export function headerLines(message: ReadableMessage): string[] {
  const head = [
    message.messageType,
    message.urgency,
    message.tlp ? `TLP:${tlpLabel(message.tlp)}` : null,
    message.caseRef ? `case ${message.caseRef}` : null,
  ].filter((p): p is string => p !== null);
  return [head.join('  '), message.headline ?? '(no headline disclosed)'];
}

export function withheldLines(withheld: readonly { path: string; ruleId: string }[]): string[] {
  if (withheld.length === 0) return ['withheld: nothing'];
  return [
    `withheld: ${withheld.length} field${withheld.length === 1 ? '' : 's'}`,
    ...withheld.map((w) => `  ${w.path}  (rule ${w.ruleId})`),
  ];
}

export function checkLines(reading: DeliveryReading, delivery: DeliveryJson | undefined): string[] {
  const { verified, mismatches, receipt } = reading;
  return [
    `originator signature: VALID (${verified.issuer}, kid ${verified.kid})`,
    ...(delivery
      ? [
          mismatches.length === 0
            ? 'delivery envelope: VALID (agrees with the signed message)'
            : `delivery envelope: INVALID: ${mismatches
                .map(
                  (m) =>
                    `${m.field} is ${JSON.stringify(m.delivery)} but the signed message says ${JSON.stringify(m.signed)}`,
                )
                .join('; ')}`,
        ]
      : []),
    receipt
      ? `hub receipt: ${receipt.valid ? `VALID (batch root ${receipt.batchRoot})` : `INVALID: ${receipt.error}`}`
      : 'hub receipt: not checked (bare presentation)',
  ];
}

/** The whole delivery, readable. */
export function deliveryLines(
  reading: DeliveryReading,
  delivery: DeliveryJson | undefined,
  cursor?: string,
): string[] {
  const message = readableMessage(reading.verified.claims);
  const withheld = delivery?.withheld ?? [];
  const route = delivery
    ? `from ${delivery.originatorAgency} to ${delivery.recipientAgency}, issued ${shortTime(
        message.issuedAt,
      )}, delivered ${shortTime(delivery.deliveredAt)}${cursor ? ` (feed entry #${cursor})` : ''}`
    : `from ${reading.verified.issuer}, issued ${shortTime(message.issuedAt)}`;
  return [
    ...headerLines(message),
    route,
    `message ${String(reading.verified.messageId)}: ${reading.verified.disclosedPaths.length} fields disclosed, ${
      delivery ? withheld.length : reading.verified.withheldCount
    } withheld`,
    '',
    ...readableMessageLines(message),
    '',
    ...(delivery ? withheldLines(withheld) : []),
    ...checkLines(reading, delivery),
  ];
}
