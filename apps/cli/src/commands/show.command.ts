/**
 * `liaison show <entry|message-id>`: one delivery of your feed, readable:
 * headline, urgency, case, subjects, route, vehicles and the rest of what you
 * were given; what was withheld and under which rule; the originator's
 * signature and the hub's receipt, checked here (as `liaison verify`). Exit 1
 * when a check fails or the entry is not in your feed.
 */
import type { AgencyIdentity } from '../agency-identity';
import { DeliveryReader } from '../delivery-reader';
import { deliveryLines, withheldLines } from '../delivery-text';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';
import { readableMessage } from '../readable-message';
import { clockLine, consentNoticeLine, linkLine } from './feed.command';
import { feedRefOf, findFeedEntry } from './feed-entry';

export async function showCommand(
  client: HubClient,
  identity: AgencyIdentity | undefined,
  ref: string,
  options: OutputOptions,
): Promise<number> {
  const wanted = feedRefOf(ref);
  const entry = await findFeedEntry(client, wanted);
  if (!entry) {
    process.stderr.write(
      `liaison: no ${'cursor' in wanted ? `entry #${wanted.cursor}` : `delivery of message ${wanted.messageId}`} in your feed\n`,
    );
    return 1;
  }
  if ('linkNotice' in entry) {
    print(options, entry, () => linkLine(entry.cursor, entry.linkNotice));
    return 0;
  }
  if ('caseClockNotice' in entry) {
    print(options, entry, () => clockLine(entry.cursor, entry.caseClockNotice));
    return 0;
  }
  if ('onwardConsentNotice' in entry) {
    print(options, entry, () => consentNoticeLine(entry.cursor, entry.onwardConsentNotice));
    return 0;
  }
  const { delivery, cursor } = entry;
  const outcome = await new DeliveryReader(client, identity).readDelivery(delivery);
  const { presentation: _sealed, ...envelope } = delivery;
  const report = {
    cursor,
    valid: outcome.valid,
    delivery: envelope,
    ...(outcome.reading
      ? {
          signature: {
            valid: true,
            issuer: outcome.reading.verified.issuer,
            kid: outcome.reading.verified.kid,
          },
          envelope: {
            valid: outcome.reading.mismatches.length === 0,
            mismatches: outcome.reading.mismatches,
          },
          receipt: outcome.reading.receipt,
          message: readableMessage(outcome.reading.verified.claims),
          claims: outcome.reading.verified.claims,
        }
      : { signature: { valid: false, error: outcome.error } }),
  };
  print(options, report, () =>
    outcome.reading
      ? deliveryLines(outcome.reading, delivery, cursor).join('\n')
      : [
          `#${cursor} ${delivery.messageType ?? ''} from ${delivery.originatorAgency}, msg ${delivery.messageId}`,
          `not verified: ${outcome.error}`,
          'the content is not shown: it could not be verified',
          ...withheldLines(delivery.withheld),
        ].join('\n'),
  );
  return outcome.valid ? 0 : 1;
}
