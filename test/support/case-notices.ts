/**
 * Case notices on a running hub, for the case tests: an agency's token, and a
 * notice (a schema example made fresh for an NL–DE case) signed by the acting
 * agency, posted through the gateway and waited for until the audit app has
 * ledgered it.
 */
import type { Client } from 'pg';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import { DEMO_KEYS_DIR, eventually, type RunningHub } from './hub-processes';
import { freshMessage, handling } from './submissions';

/** A token of the demo world's `agency` (or of its officer with `roles`). */
export function agencyToken(agency: string, officer?: string, roles?: string): string {
  return new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles }).token();
}

export interface CaseNoticeTarget {
  readonly hub: RunningHub;
  readonly db: Client;
  readonly caseRef: string;
}

/** Publishes a signed case notice of `by` and waits until it is ledgered; returns its id. */
export async function publishCaseNotice(
  target: CaseNoticeTarget,
  example: string,
  by: string,
  change: (m: Record<string, unknown>) => void,
): Promise<string> {
  const notice = freshMessage(example, by, (m) => {
    m.caseRef = target.caseRef;
    m.jurisdictions = ['NL', 'DE'];
    handling(m).releasableTo = [];
    change(m);
  });
  const { sdJwt } = await signMessage(
    new AgencyIdentity({ agency: by, keys: DEMO_KEYS_DIR }),
    notice,
  );
  const res = await fetch(`${target.hub.url}/v1/case-notices`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${agencyToken(by)}`,
      'content-type': 'application/sd+jwt',
      'idempotency-key': `case-${String(notice.messageId)}`,
    },
    body: sdJwt,
  });
  expect(res.status).toBe(202);
  const id = String(notice.messageId);
  await eventually(
    async () => {
      const r = await target.db.query('SELECT 1 FROM case_event WHERE message_id = $1', [id]);
      return r.rowCount === 1 ? true : undefined;
    },
    30_000,
    `${example} ledgered`,
  );
  return id;
}
