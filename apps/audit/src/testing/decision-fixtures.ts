/**
 * Test and benchmark support: Decisions as the policy worker writes them, over
 * a real SD-JWT (one victim whose identity is a disclosure), so rebuilt
 * presentations, digests and the side-by-side views can be checked.
 */
import { randomUUID } from 'node:crypto';
import type { Decision, RecipientOutcome, ShareDecision } from '@liaison/contracts';
import {
  generateAgencyKeys,
  issueSdJwt,
  presentationDigestOf,
  type GeneratedAgencyKeys,
} from '@liaison/crypto';
import { presentationFromDisclosures } from '@liaison/ledger';

export const VICTIM_NAME = 'Ana Victim-Example';
export const VICTIM_RULE = 'victim-guard';

export interface OutcomeSpec {
  readonly agency: string;
  readonly jurisdiction: string;
  readonly decision: ShareDecision;
  readonly retentionDays?: number;
  readonly rules?: readonly string[];
}

export interface DecisionSpec {
  readonly originator: { readonly agency: string; readonly jurisdiction: string };
  readonly outcomes: readonly OutcomeSpec[];
  readonly kind?: 'ALERT' | 'CASE_NOTICE';
  readonly messageType?: string;
  readonly caseRef?: string | null;
  readonly decidedAt?: Date;
  readonly caseOutcome?: string;
  readonly messageId?: string;
}

let keys: GeneratedAgencyKeys | undefined;

export async function makeDecision(spec: DecisionSpec): Promise<Decision> {
  keys ??= generateAgencyKeys('EdDSA');
  const messageId = spec.messageId ?? randomUUID();
  const decidedAt = spec.decidedAt ?? new Date();
  const iat = Math.floor(decidedAt.getTime() / 1000);
  const kind = spec.kind ?? 'ALERT';
  const messageType = spec.messageType ?? (kind === 'ALERT' ? 'VICTIM_AT_RISK' : 'CASE_OPENED');
  const caseRef = spec.caseRef === undefined ? 'RO-DIICOT-2025-311' : spec.caseRef;
  const token = await issueSdJwt({
    claims: {
      iss: spec.originator.agency,
      jti: messageId,
      iat,
      exp: iat + 86_400,
      messageId,
      messageType,
      issuedAt: decidedAt.toISOString(),
      caseRef,
      narrative: 'Seen at the northern crossing with two adults.',
      subjects: [{ role: 'VICTIM', identity: { fullName: VICTIM_NAME } }],
      ...(spec.caseOutcome ? { outcome: spec.caseOutcome } : {}),
    },
    disclosablePaths: ['narrative', 'subjects[]', 'subjects[].identity'],
    signer: { privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' },
  });
  const parts = token.split('~');
  const issuerJwt = parts[0] as string;
  const disclosures = parts.slice(1, -1);
  const identityIndex = disclosures.findIndex((d) => {
    const decoded = JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[];
    return decoded[1] === 'identity';
  });
  const all = disclosures.map((_, i) => i);
  const outcomes: RecipientOutcome[] = spec.outcomes.map((o) => {
    const indices =
      o.decision === 'FULL'
        ? all
        : o.decision === 'REDACTED'
          ? all.filter((i) => i !== identityIndex)
          : [];
    const presentation =
      o.decision === 'DENIED' ? null : presentationFromDisclosures(issuerJwt, disclosures, indices);
    return {
      recipientAgency: o.agency,
      recipientJurisdiction: o.jurisdiction,
      decision: o.decision,
      rules: [
        ...(o.rules ??
          (o.decision === 'DENIED'
            ? ['default-deny']
            : o.decision === 'REDACTED'
              ? ['eu-share', VICTIM_RULE]
              : ['eu-share'])),
      ],
      disclosedPaths:
        o.decision === 'DENIED'
          ? []
          : o.decision === 'FULL'
            ? ['narrative', 'subjects[0]', 'subjects[0].identity']
            : ['narrative', 'subjects[0]'],
      withheld:
        o.decision === 'REDACTED' ? [{ path: 'subjects[0].identity', ruleId: VICTIM_RULE }] : [],
      disclosureIndices: indices,
      presentationDigest: presentation === null ? null : presentationDigestOf(presentation),
      retentionDays: o.retentionDays ?? 365,
    };
  });
  return {
    messageId,
    kind,
    messageType,
    originatorAgency: spec.originator.agency,
    originatorJurisdiction: spec.originator.jurisdiction,
    caseRef,
    policyVersion: 'policy-test-1',
    decidedAt: decidedAt.toISOString(),
    issuerJwt,
    disclosures,
    custodial: false,
    outcomes,
    receiptBatch: null,
    links: null,
    onwardHolds: [],
    releaseOf: null,
  };
}
