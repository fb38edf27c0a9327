/**
 * Issue 18 §1, the property: over random messages and random malformed SD-JWT
 * shapes, no recipient ever receives a value at a path its decision withholds.
 *
 * The pipeline is the real one, minus Kafka: the hub verifies the token with the
 * kind's shape (verifySdJwt), analyses it (analyseMessage), decides for every
 * agency of the seed world (decideAll), plans the redaction over the token's
 * disclosures (planRedaction, planPresentation) and presents; the recipient
 * verifies its presentation as `liaison verify` does (verifyPresentation).
 *
 * Oracle: what the decision withholds is computed on the honest token of the
 * same message (every disclosable field a disclosure): the concrete paths of its
 * withheld slots. A leak is any string leaf found only under such a path in the
 * message and reachable in the recipient's claims, by property access through
 * the prototype chain too (for...in), whatever shape the originator signed.
 * A token the hub or the recipient refuses delivers nothing, so it cannot leak.
 *
 * Fixed seed in the unit suite; LIAISON_PROPERTY_RUNS=<n> runs more cases.
 */
import fc from 'fast-check';
import { type MessageKind } from '@liaison/contracts';
import {
  FORBIDDEN_CLAIM_NAMES,
  planPresentation,
  presentationOf,
  verifyPresentation,
  verifySdJwt,
  type VerifiedSdJwt,
} from '@liaison/crypto';
import {
  compilePolicies,
  decideAll,
  planRedaction,
  prepareCatalogue,
  type CompiledPolicySet,
} from '@liaison/policy';
import { loadSeed } from '../../policy/test/fixtures';
import {
  RawJson,
  craftDisclosure,
  craftSdJwt,
  digestOf,
  openSdJwt,
  resignSdJwt,
} from '../../crypto/src/testing/sd-jwt-crafting';
import { ALL_KNOWN_PATHS, analyseMessage, disclosablePathsOf } from './message-analysis';
import {
  claimsOf,
  exampleSigners,
  hubVerifyOptions,
  loadExamples,
  recipientVerifyOptions,
  signClaims,
} from './testing/signed-examples';

const RUNS = Number(process.env.LIAISON_PROPERTY_RUNS ?? 30);
const SEED = 1818;

const seed = loadSeed();
const policies: CompiledPolicySet = compilePolicies(
  seed.documents,
  seed.directory,
  ALL_KNOWN_PATHS,
);
const jurisdictionOf = new Map(seed.directory.agencies.map((a) => [a.id, a.jurisdiction]));
const examples = loadExamples();
const signers = exampleSigners([...new Set(examples.map((e) => String(e.json.originatorAgency)))]);
const recipientOptions = recipientVerifyOptions(signers.directory);

type Malformation =
  | { readonly kind: 'honest' }
  | { readonly kind: 'in-clear'; readonly keep: readonly boolean[] }
  | { readonly kind: 'carrier'; readonly name: string; readonly inSubject: boolean }
  | { readonly kind: 'duplicate-member'; readonly name: string };

const CARRIER_NAMES = [...FORBIDDEN_CLAIM_NAMES, 'shadow', 'identity', 'urgency'];

const malformationArb: fc.Arbitrary<Malformation> = fc.oneof(
  fc.constant({ kind: 'honest' as const }),
  fc.record({
    kind: fc.constant('in-clear' as const),
    keep: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('carrier' as const),
    name: fc.constantFrom(...CARRIER_NAMES),
    inSubject: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('duplicate-member' as const),
    name: fc.constantFrom('narrative', 'headline', 'title', 'subjects', 'iss'),
  }),
);

interface Variation {
  readonly example: number;
  readonly minors: readonly boolean[];
  readonly roles: readonly ('VICTIM' | 'SUSPECT' | 'WITNESS')[];
  readonly nulled: readonly boolean[];
}

const variationArb: fc.Arbitrary<Variation> = fc.record({
  example: fc.nat({ max: examples.length - 1 }),
  minors: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  roles: fc.array(fc.constantFrom('VICTIM' as const, 'SUSPECT' as const, 'WITNESS' as const), {
    minLength: 6,
    maxLength: 6,
  }),
  nulled: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
});

/** A random message: an example with subjects' roles and minor flags, and some fields, varied. */
function messageOf(v: Variation): { kind: MessageKind; claims: Record<string, unknown> } {
  const example = examples[v.example] ?? examples[0];
  if (!example) throw new Error('no examples');
  const claims = claimsOf(example.json, example.kind);
  const subjects = Array.isArray(claims.subjects)
    ? (claims.subjects as Record<string, unknown>[])
    : [];
  subjects.forEach((s, i) => {
    s.minor = v.minors[i] ?? false;
    s.role = v.roles[i] ?? 'SUSPECT';
  });
  ['narrative', 'headline', 'title', 'assistanceRequested'].forEach((field, i) => {
    if (v.nulled[i] === true && field in claims) claims[field] = null;
  });
  return { kind: example.kind, claims };
}

/** The originator's token, honest or not, for the message. */
async function tokenOf(
  kind: MessageKind,
  claims: Record<string, unknown>,
  m: Malformation,
): Promise<string> {
  const all = disclosablePathsOf(kind);
  const signer = signers.signerOf(String(claims.iss));
  switch (m.kind) {
    case 'honest':
      return signClaims(signers, kind, claims);
    case 'in-clear':
      return signClaims(
        signers,
        kind,
        claims,
        all.filter((_, i) => m.keep[i] !== false),
      );
    case 'carrier': {
      // A disclosure that carries content the rules may withhold under another name.
      const cargo = {
        narrative: claims.narrative,
        headline: claims.headline,
        identity: (claims.subjects as { identity?: unknown }[] | undefined)?.[0]?.identity,
      };
      return resignSdJwt(await signClaims(signers, kind, claims), signer, (o) => {
        if (m.inSubject && Array.isArray(o.payload.subjects) && o.payload.subjects.length > 0) {
          // Replace subjects[0]'s element disclosure by one with the carrier inside it.
          const slot = (o.payload.subjects as { '...'?: string }[])[0];
          const at = o.disclosures.findIndex((d) => digestOf(d) === slot?.['...']);
          const encoded = o.disclosures[at];
          if (encoded !== undefined) {
            const [, value] = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as [
              string,
              Record<string, unknown>,
            ];
            const inner = craftDisclosure(m.name, cargo);
            value._sd = [...((value._sd as string[] | undefined) ?? []), digestOf(inner)];
            const replacement = craftDisclosure(undefined, value);
            o.disclosures[at] = replacement;
            o.disclosures.push(inner);
            (o.payload.subjects as unknown[])[0] = { '...': digestOf(replacement) };
            return;
          }
        }
        const encoded = craftDisclosure(m.name, cargo);
        o.payload._sd = [...((o.payload._sd as string[] | undefined) ?? []), digestOf(encoded)];
        o.disclosures.push(encoded);
      });
    }
    case 'duplicate-member': {
      // A plain copy of a member placed first; JSON.parse would keep the signed last one.
      const o = openSdJwt(await signClaims(signers, kind, claims));
      const value = m.name === 'iss' ? 'xx-other' : (claims[m.name] ?? 'plain copy');
      const text = JSON.stringify(o.payload).replace(
        /^\{/,
        `{${JSON.stringify(m.name)}:${JSON.stringify(value)},`,
      );
      return craftSdJwt(signer, new RawJson(text), o.disclosures, o.header);
    }
  }
}

function valueAt(root: unknown, concretePath: string): unknown {
  let node: unknown = root;
  for (const part of concretePath.split('.')) {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) return undefined;
    node = (node as Record<string, unknown> | undefined)?.[match[1] ?? ''];
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g))
      node = (node as unknown[] | undefined)?.[Number(index[1])];
  }
  return node;
}

function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

/** Every string a reader of `value` can reach by property access, prototypes included. */
function reachableStrings(value: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 64) return out;
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) reachableStrings(v, out, depth + 1);
  else if (typeof value === 'object' && value !== null) {
    // for...in walks inherited enumerable members: a prototype set by a name reaches here.
    for (const key in value as Record<string, unknown>)
      reachableStrings((value as Record<string, unknown>)[key], out, depth + 1);
  }
  return out;
}

/** Per recipient: the strings found only under the paths its decision withholds. */
function withheldStrings(
  kind: MessageKind,
  claims: Record<string, unknown>,
  honest: VerifiedSdJwt,
) {
  const analysed = analyseMessage(honest, kind, jurisdictionOf.get(String(claims.iss)) ?? '');
  const catalogue = prepareCatalogue(analysed.catalogue);
  const counts = new Map<string, number>();
  for (const s of stringLeaves(claims)) counts.set(s, (counts.get(s) ?? 0) + 1);
  const out = new Map<string, Set<string>>();
  for (const decision of decideAll(policies, analysed.facts)) {
    if (decision.outcome === 'DENIED') continue;
    const plan = planRedaction(decision, catalogue);
    const secrets = new Set<string>();
    for (const w of plan.withheld) {
      const path = honest.disclosures[w.index]?.concretePath ?? '';
      for (const s of stringLeaves(valueAt(claims, path))) if (counts.get(s) === 1) secrets.add(s);
    }
    out.set(decision.recipient, secrets);
  }
  return out;
}

/** What each recipient sees of the token (nothing if the hub or it refuses). */
function deliveredClaims(
  kind: MessageKind,
  iss: string,
  token: string,
): Map<string, Readonly<Record<string, unknown>>> {
  const seen = new Map<string, Readonly<Record<string, unknown>>>();
  let verified: VerifiedSdJwt;
  let analysed: ReturnType<typeof analyseMessage>;
  try {
    verified = verifySdJwt(token, hubVerifyOptions(signers.directory, kind));
    analysed = analyseMessage(verified, kind, jurisdictionOf.get(iss) ?? '');
  } catch {
    return seen; // refused at the hub: a 400 or a dead letter, delivered to nobody
  }
  const catalogue = prepareCatalogue(analysed.catalogue);
  for (const decision of decideAll(policies, analysed.facts)) {
    if (decision.outcome === 'DENIED' || decision.recipient === iss) continue;
    const plan = planRedaction(decision, catalogue);
    const presentation = presentationOf(
      verified,
      planPresentation(verified, plan.disclosedIndices),
    );
    try {
      seen.set(decision.recipient, verifyPresentation(presentation, recipientOptions).claims);
    } catch {
      // the recipient's verifier refuses it: it reads nothing
    }
  }
  return seen;
}

describe('redaction holds whatever the originator signs (property)', () => {
  it(`no recipient receives a value its decision withholds (${RUNS} runs, seed ${SEED})`, async () => {
    let delivered = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(variationArb, malformationArb, async (variation, malformation) => {
        const { kind, claims } = messageOf(variation);
        const iss = String(claims.iss);
        const honest = verifySdJwt(
          await signClaims(signers, kind, claims),
          hubVerifyOptions(signers.directory, kind),
        );
        const secrets = withheldStrings(kind, claims, honest);
        const seen = deliveredClaims(kind, iss, await tokenOf(kind, claims, malformation));
        if (seen.size === 0) refused++;
        else delivered++;
        for (const [recipient, view] of seen) {
          const reachable = reachableStrings(view);
          const leaked = [...(secrets.get(recipient) ?? [])].filter((s) => reachable.has(s));
          expect({ recipient, malformation: malformation.kind, leaked }).toEqual({
            recipient,
            malformation: malformation.kind,
            leaked: [],
          });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The property is not vacuous: honest tokens are delivered and checked.
    expect(delivered).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
