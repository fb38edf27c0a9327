/**
 * `liaison status <message-id>`: who got your message, and what: one line per
 * recipient (outcome, the deciding rules, how many fields were withheld and the
 * delivery's entry in the recipient's feed), then each withheld field with its
 * rule. Only the publishing agency can ask (the hub answers 404 to others).
 */
import { CommanderError } from 'commander';
import type { SubmissionStatus } from '@liaison/contracts';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';
import { shortTime } from '../delivery-text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fetchStatus(client: HubClient, messageId: string): Promise<SubmissionStatus> {
  return client.get<SubmissionStatus>(`/v1/submissions/${encodeURIComponent(messageId)}`);
}

export function statusLines(s: SubmissionStatus): string[] {
  const counts = Object.entries(s.outcomes)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  const head = `${s.messageType} ${s.messageId}${s.caseRef ? `  case ${s.caseRef}` : ''}  received ${shortTime(
    s.receivedAt,
  )}: ${s.status}${counts ? ` (${counts})` : ''}`;
  if (s.recipients.length === 0) return [head, 'no recipient decided yet'];
  const width = Math.max(...s.recipients.map((r) => r.agency.length), 6) + 2;
  return [
    head,
    ...s.recipients.flatMap((r) => [
      `${r.agency.padEnd(width)}${r.outcome.padEnd(10)}${
        r.outcome === 'DENIED'
          ? 'nothing delivered'
          : `${r.disclosedCount} disclosed, ${r.withheldCount} withheld, feed entry ${
              r.deliveryEntryId ? `#${r.deliveryEntryId}` : '(not yet in its feed)'
            }`
      }  rules=${r.rules.join(',')}`,
      ...r.withheld.map((w) => `${' '.repeat(width)}- ${w.path}  (rule ${w.ruleId})`),
    ]),
  ];
}

export async function statusCommand(
  client: HubClient,
  messageId: string,
  options: OutputOptions,
): Promise<number> {
  if (!UUID.test(messageId))
    throw new CommanderError(2, 'liaison.usage', 'status needs a message id (a UUID)');
  const status = await fetchStatus(client, messageId);
  print(options, status, () => statusLines(status).join('\n'));
  return 0;
}
