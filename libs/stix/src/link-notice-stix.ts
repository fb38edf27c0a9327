/**
 * A link notice as STIX 2.1: a `grouping` by the hub that refers to the
 * recipient's own message (its report) and the counterpart agency, marked with
 * the counterpart's TLP, with the notice and the hub's signature over it in a
 * property extension. A link notice never holds a selector value.
 */
import type { LinkNotice } from '@liaison/contracts';
import { HUB_IDENTITY_ID, LINK_NOTICE_EXTENSION_ID } from './extensions';
import { agencyIdentityId, messageObjectId, stixId } from './stix-id';
import { STIX_SPEC_VERSION, stixTimestamp, type StixObject } from './stix-object';
import { isTlp, tlpMarkingId } from './tlp';

export function linkNoticeObjectId(noticeId: string): string {
  return stixId('grouping', `link-notice:${noticeId}`);
}

export function linkNoticeStixObjects(notice: LinkNotice): StixObject[] {
  const at = stixTimestamp(notice.foundAt);
  const tlp = isTlp(notice.counterpartTlp) ? notice.counterpartTlp : 'RED';
  return [
    {
      type: 'grouping',
      spec_version: STIX_SPEC_VERSION,
      id: linkNoticeObjectId(notice.noticeId),
      created_by_ref: HUB_IDENTITY_ID,
      created: at,
      modified: at,
      name: `Link (${notice.strength} ${notice.kinds.join('+')}) with ${notice.counterpartAgency}`,
      context: 'suspicious-activity',
      object_refs: [messageObjectId(notice.messageId), agencyIdentityId(notice.counterpartAgency)],
      object_marking_refs: [tlpMarkingId(tlp)],
      extensions: {
        [LINK_NOTICE_EXTENSION_ID]: {
          extension_type: 'property-extension',
          notice_id: notice.noticeId,
          message_id: notice.messageId,
          counterpart_agency: notice.counterpartAgency,
          ...(notice.counterpartCaseHandle === null
            ? {}
            : { counterpart_case_handle: notice.counterpartCaseHandle }),
          kinds: [...notice.kinds],
          strength: notice.strength,
          counterpart_tlp: notice.counterpartTlp,
          rules: [...notice.rules],
          found_at: at,
          hub_signature: notice.hubSignature,
        },
      },
    },
  ];
}
