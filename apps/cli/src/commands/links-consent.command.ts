/**
 * `liaison links consent list [--status]`: the onward-sharing consent requests
 * asked of your agency (another agency re-published what it received from
 * you and the hub held it) and those about your held messages, with their
 * answers; `liaison links consent grant <requestId> [--reason] --justification`
 * and `liaison links consent refuse <requestId> --reason --justification`
 * answer one, as the original originator's liaison officer, the justification
 * signed by the officer's key (once; a grant releases the held
 * message to the recipients named, a refusal's reason is read by the
 * requester). GET and POST /v1/links/consents.
 */
import { Option, type Command } from 'commander';
import type { ConsentRequestView } from '@liaison/links';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';
import { justified, usage } from './usage-error';

const STATUSES = ['PENDING', 'GRANTED', 'REFUSED'] as const;
const minute = (at: string): string => `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** The request in two or three lines: who asks whom about what, and the answer. */
export function consentText(r: ConsentRequestView): string {
  const lines =
    r.role === 'ORIGINAL'
      ? [
          `${r.status.padEnd(7)} ${r.requestId}  asked of you, ${minute(r.requestedAt)}`,
          `  ${r.requesterAgency} re-published your message ${r.originalMessageId} as ${r.heldMessageId}; held for ${r.recipients.join(', ')} (${r.rule})`,
        ]
      : [
          `${r.status.padEnd(7)} ${r.requestId}  your message held, ${minute(r.requestedAt)}`,
          `  ${r.heldMessageId} held for ${r.recipients.join(', ')} (${r.rule}): consent of ${r.originalAgency} for its message ${r.originalMessageId}`,
        ];
  if (r.status === 'PENDING') {
    if (r.role === 'ORIGINAL') {
      lines.push(
        `  answer: liaison links consent grant ${r.requestId} | refuse ${r.requestId} --reason <text>, with --justification <text>`,
      );
    }
  } else {
    lines.push(
      `  ${r.status} by ${r.answeredBy ?? '?'} ${r.answeredAt === null ? '' : minute(r.answeredAt)}` +
        (r.reason === null ? '' : `: ${r.reason}`) +
        (r.status === 'GRANTED' ? ` (${releaseText(r)})` : ''),
    );
  }
  return lines.join('\n');
}

/** Where a grant's release stands, in words. */
function releaseText(r: ConsentRequestView): string {
  const to = r.recipients.join(', ');
  if (r.release === 'NOTHING')
    return `nothing released to ${to}: the held content was no longer kept`;
  if (r.release === 'DUE') return `the release to ${to} is not queued yet: the hub sends it again`;
  return `the held message goes to ${to}`;
}

export function consentListText(requests: readonly ConsentRequestView[]): string {
  if (requests.length === 0) return 'No onward-sharing consent requests.';
  return requests.map(consentText).join('\n');
}

export function registerConsentCommands(
  links: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
): void {
  const consent = links
    .command('consent')
    .description(
      'onward-sharing consent: requests asked of your agency or about its held messages, and your answer',
    );
  consent
    .command('list')
    .description('the requests asked of your agency and about its held messages, newest first')
    .addOption(new Option('--status <status>', 'only these').choices([...STATUSES]))
    .action(async (o: { status?: string }) => {
      const q = o.status === undefined ? '' : `?status=${encodeURIComponent(o.status)}`;
      const answer = await client().get<{ requests: ConsentRequestView[] }>(
        `/v1/links/consents${q}`,
      );
      print(globals(), answer, () => consentListText(answer.requests));
    });
  /** An answer is the officer's act: its justification travels signed by the officer's key. */
  const answer = async (
    requestId: string,
    kind: 'grant' | 'refuse',
    body: { reason?: string },
    justification: string,
  ): Promise<void> => {
    const answered = await client().request<ConsentRequestView>(
      'POST',
      `/v1/links/consents/${encodeURIComponent(requestId)}/${kind}`,
      { body: JSON.stringify(body), contentType: 'application/json', justification },
    );
    print(globals(), answered, () => consentText(answered));
  };
  consent
    .command('grant <requestId>')
    .description('consent: the held message goes to the recipients the request names')
    .option('--reason <text>', 'why (the requester reads it)')
    .requiredOption('--justification <text>', 'why you consent (signed by your key, logged)')
    .action(async (requestId: string, o: { reason?: string; justification: string }) => {
      const justification = justified(o.justification);
      await answer(
        requestId,
        'grant',
        o.reason === undefined ? {} : { reason: o.reason },
        justification,
      );
    });
  consent
    .command('refuse <requestId>')
    .description('refuse: the held message stays held; the requester reads your reason')
    .requiredOption('--reason <text>', 'why (the requester reads it)')
    .requiredOption('--justification <text>', 'why you refuse (signed by your key, logged)')
    .action(async (requestId: string, o: { reason: string; justification: string }) => {
      if (o.reason.trim().length === 0) throw usage('a refusal needs a reason');
      await answer(requestId, 'refuse', { reason: o.reason }, justified(o.justification));
    });
}
