/**
 * `liaison demo`: plays several agencies of the demo world publishing a realistic
 * stream of alerts and case notices (from schemas/examples, with fresh ids and
 * times), so a newcomer sees feeds fill, redactions differ per recipient and the
 * console populate. It opens with two agencies' alerts that share a phone number
 * written differently, so both see a link notice in their feeds within seconds,
 * then plays a case: NL-KNP opens it, invites DE-BKA, which accepts and
 * acknowledges an urgent Information Exchange request (8 hours), so
 * `liaison case show` shows a live clock. Runs until stopped, or for --count
 * messages.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AgencyIdentity, DEFAULT_KEYS_DIR } from '../agency-identity';
import { HubClient } from '../hub-client';
import { readJsonInput } from '@liaison/local-files';
import { publishOne } from './publish.command';

export const EXAMPLES_DIR = path.resolve(__dirname, '../../../../../schemas/examples');

export interface DemoOptions {
  readonly hub: string;
  readonly keys?: string;
  readonly count?: number;
  readonly intervalMs?: number;
}

/** An example message made new: fresh id and times, an originator that exists here. */
export function freshMessage(
  example: Record<string, unknown>,
  keysDir: string,
  n: number,
): Record<string, unknown> {
  const now = new Date();
  const originator = existsSync(path.join(keysDir, `${String(example.originatorAgency)}.keys.json`))
    ? String(example.originatorAgency)
    : 'de-bka';
  const json = structuredClone(example);
  json.messageId = randomUUID();
  json.originatorAgency = originator;
  json.issuedAt = now.toISOString();
  if ('validFrom' in json) json.validFrom = now.toISOString();
  if ('validUntil' in json && json.validUntil !== null)
    json.validUntil = new Date(now.getTime() + 7 * 86400_000).toISOString();
  if (typeof json.caseRef === 'string') json.caseRef = `${json.caseRef}-D${Math.floor(n / 4)}`;
  const handling = json.handling as { releasableTo?: string[] } | undefined;
  if (handling?.releasableTo)
    handling.releasableTo = handling.releasableTo.filter((a) => a !== originator);
  return json;
}

/** One phone, as a Dutch and a Romanian officer would write it. */
const LINKED_PHONE = { 'nl-knp': '+40 721 555 014', 'ro-diicot': '0721 555 014' } as const;

/**
 * Two alerts from the suspect-movement example, by NL-KNP and RO-DIICOT, each
 * holding the same phone written its own way (AMBER, no releasability list), so
 * the demo world's links rules reveal the link to both.
 */
export function linkedPair(example: Record<string, unknown>): Record<string, unknown>[] {
  return Object.entries(LINKED_PHONE).map(([agency, phone], i) => {
    const json = structuredClone(example);
    json.originatorAgency = agency;
    json.caseRef = `${agency.toUpperCase()}-DEMO-LINK-${i + 1}`;
    const handling = json.handling as Record<string, unknown>;
    handling.tlp = 'AMBER';
    handling.releasableTo = [];
    handling.namedRecipients = [];
    const subjects = json.subjects as { identity: Record<string, unknown> | null }[];
    const identity = subjects[0]?.identity;
    if (identity) {
      identity.documents = [];
      identity.dateOfBirth = null;
      identity.contactHandles = [{ handleType: 'PHONE', value: phone, platform: null }];
    }
    return json;
  });
}

/** A message of the opening script: sent as it is, only dated when it is sent. */
interface Scripted {
  readonly scripted: Record<string, unknown>;
}

function isScripted(item: Record<string, unknown> | Scripted): item is Scripted {
  return typeof item.scripted === 'object' && item.scripted !== null && !('messageType' in item);
}

/** The demo case's reference: one per run, so a second run opens a new case. */
export function demoCaseRef(at: Date): string {
  return `NL-KNP-DEMO-${at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}`;
}

/**
 * The demo case, step by step, from the case-notice examples: NL-KNP opens it,
 * invites DE-BKA, DE-BKA accepts; NL-KNP asks DE-BKA under the Information
 * Exchange Directive's urgent 8-hour rule and DE-BKA acknowledges, leaving the
 * clock running.
 */
export function demoCase(
  examples: readonly Record<string, unknown>[],
  caseRef: string,
): Record<string, unknown>[] {
  const byType = (type: string): Record<string, unknown> | undefined =>
    examples.find((e) => e.messageType === type);
  const opened = byType('CASE_OPENED');
  const request = byType('ASSISTANCE_REQUEST');
  const update = byType('CASE_UPDATE');
  if (!opened || !request || !update) return [];
  const notice = (
    base: Record<string, unknown>,
    by: string,
    change: (m: Record<string, unknown>) => void,
  ): Record<string, unknown> => {
    const json = structuredClone(base);
    json.messageId = randomUUID();
    json.originatorAgency = by;
    json.caseRef = caseRef;
    json.jurisdictions = ['NL', 'DE'];
    json.requestedAgencies = [];
    json.relatedMessageIds = [];
    json.transition = null;
    json.instrument = null;
    (json.handling as Record<string, unknown>).releasableTo = [];
    change(json);
    return json;
  };
  const step = (by: string, to: string, action: string, requestMessageId: string | null) =>
    notice(update, by, (m) => {
      m.requestedAgencies = [to];
      m.transition = { action, requestMessageId, reason: null };
      m.relatedMessageIds = requestMessageId === null ? [] : [requestMessageId];
    });
  const urgent = notice(request, 'nl-knp', (m) => {
    m.requestedAgencies = ['de-bka'];
    m.instrument = { kind: 'IED_URGENT_DIRECT', deadlineAt: null, deadlineWorkingDays: null };
  });
  const urgentId = String(urgent.messageId);
  return [
    notice(opened, 'nl-knp', () => undefined),
    step('nl-knp', 'de-bka', 'INVITE', null),
    step('de-bka', 'nl-knp', 'ACCEPT_INVITATION', null),
    urgent,
    step('de-bka', 'nl-knp', 'ACKNOWLEDGE', urgentId),
  ];
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const keysDir = options.keys ?? DEFAULT_KEYS_DIR;
  const examples = readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJsonInput(path.join(EXAMPLES_DIR, f)) as Record<string, unknown>);
  const movement = examples.find((e) => e.messageType === 'SUSPECT_MOVEMENT');
  const caseRef = demoCaseRef(new Date());
  const opening: (Record<string, unknown> | Scripted)[] = [
    ...(movement ? linkedPair(movement) : []),
    ...demoCase(examples, caseRef).map((scripted) => ({ scripted })),
  ];
  if (opening.some(isScripted))
    process.stdout.write(
      `demo: case ${caseRef} (NL-KNP with DE-BKA, an urgent 8-hour request): liaison --agency nl-knp case show ${caseRef}\n`,
    );
  const total = options.count ?? Number.POSITIVE_INFINITY;
  let failures = 0;
  for (let n = 0; n < total; n++) {
    const example = opening[n] ?? examples[(n - opening.length) % examples.length];
    if (!example) break;
    const json = isScripted(example)
      ? { ...example.scripted, issuedAt: new Date().toISOString() }
      : freshMessage(example, keysDir, n);
    const identity = new AgencyIdentity({ agency: String(json.originatorAgency), keys: keysDir });
    const client = new HubClient(options.hub, identity);
    try {
      const accepted = await publishOne(client, identity, json, {});
      process.stdout.write(
        `demo: ${identity.agencyId} published ${String(json.messageType)} ${accepted.messageId}\n`,
      );
    } catch (error) {
      failures++;
      process.stdout.write(
        `demo: ${identity.agencyId} ${String(json.messageType)} refused: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 3000));
  }
  return failures > 0 ? 1 : 0;
}
