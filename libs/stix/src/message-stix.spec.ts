import fc from 'fast-check';
import type { LinkNotice } from '@liaison/contracts';
import {
  MESSAGE_EXTENSION_ID,
  deliveryStixObjects,
  linkNoticeStixObjects,
  messageObjectId,
  sharedStixObjects,
  stixBundle,
  tlpMarkingId,
  type StixObject,
} from '.';
import { recipientView, signedExamples, type SignedExample } from './testing/recipient-views';
import { stixBundleErrors, stixSchemaErrors } from '../../../test/support/stix-schemas';
import type { ExampleSigners } from '../../messages/src/testing/signed-examples';

let signers: ExampleSigners;
let examples: SignedExample[];

beforeAll(async () => {
  ({ signers, examples } = await signedExamples());
});

const everything = (): boolean => true;
const nothing = (): boolean => false;

function schemaErrorsOf(objects: readonly StixObject[]): string[] {
  return objects.flatMap((o) => stixSchemaErrors(o).map((e) => `${o.id}: ${e}`));
}

/** String leaves of a JSON value. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

const LINK_NOTICE: LinkNotice = {
  noticeId: '0f5a3c1e-2b4d-4e6f-8a9b-1c2d3e4f5a6b',
  recipientAgency: 'nl-knp',
  messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
  counterpartAgency: 'ro-diicot',
  counterpartCaseHandle: 'RO-DIICOT-2025-311',
  kinds: ['PHONE'],
  strength: 'EXACT',
  counterpartTlp: 'AMBER_STRICT',
  rules: ['RO-LINKS-01'],
  foundAt: '2026-01-15T12:00:02.000Z',
  hubSignature: 'h.p.s',
};

describe('STIX 2.1 mapping of a recipient view', () => {
  it('every object of every example validates against the OASIS STIX 2.1 schemas, in full and with nothing disclosed', () => {
    for (const example of examples) {
      for (const keep of [everything, nothing]) {
        const objects = deliveryStixObjects(recipientView(signers, example, 'de-bka', keep));
        expect({ example: example.name, errors: schemaErrorsOf(objects) }).toEqual({
          example: example.name,
          errors: [],
        });
      }
    }
  });

  it('the shared objects, a link notice and a whole bundle validate', () => {
    const objects = [
      ...sharedStixObjects([{ id: 'nl-knp', name: 'Dutch National Police', jurisdiction: 'NL' }]),
      ...linkNoticeStixObjects(LINK_NOTICE),
      ...examples.flatMap((e) =>
        deliveryStixObjects(recipientView(signers, e, 'de-bka', everything)),
      ),
    ];
    expect(schemaErrorsOf(objects)).toEqual([]);
    expect(stixBundleErrors(stixBundle(objects))).toEqual([]);
  });

  it('the schemas do refuse a broken object (the check can fail)', () => {
    const [report] = deliveryStixObjects(
      recipientView(signers, examples[0]!, 'de-bka', everything),
    );
    expect(stixSchemaErrors({ ...report!, object_refs: [] })).not.toEqual([]);
    expect(stixSchemaErrors({ ...report!, created: '2026-01-15T12:00:00Z' })).not.toEqual([]);
  });

  it('ids are UUIDv5 from the message: the same on re-export and for every recipient', () => {
    const example = examples[0]!;
    const a = deliveryStixObjects(recipientView(signers, example, 'de-bka', everything));
    const b = deliveryStixObjects(recipientView(signers, example, 'de-bka', everything));
    const c = deliveryStixObjects(recipientView(signers, example, 'int-hub', everything));
    expect(a).toEqual(b);
    expect(a.map((o) => o.id)).toEqual(c.map((o) => o.id));
    expect(a[0]!.id).toBe(messageObjectId(String(example.json.messageId)));
    expect(a[0]!.id).toMatch(
      /^report--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('marks with the OASIS TLP 2.0 definition of the signed TLP, AMBER+STRICT included', () => {
    for (const example of examples) {
      const tlp = String((example.json.handling as { tlp: string }).tlp);
      const [report] = deliveryStixObjects(recipientView(signers, example, 'de-bka', nothing));
      expect(report!.object_marking_refs).toContain(tlpMarkingId(tlp as 'AMBER'));
    }
    expect(tlpMarkingId('AMBER_STRICT')).toBe(
      'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
    );
  });

  it('carries the presentation as delivered and the receipt with its inclusion proof', () => {
    const view = recipientView(signers, examples[0]!, 'de-bka', everything);
    const [report] = deliveryStixObjects(view);
    const ext = (report!.extensions as Record<string, Record<string, unknown>>)[
      MESSAGE_EXTENSION_ID
    ]!;
    expect(ext.presentation).toBe(view.delivery.presentation);
    expect(ext.receipt).toBe(view.delivery.receipt);
    expect(ext.receipt_proof).toEqual({ leaf_index: 0, tree_size: 1, path: [] });
  });

  it('lists every withheld field by path, and maps persons with their role even with identity withheld', () => {
    const example = examples.find((e) => e.name.includes('victim-at-risk')) ?? examples[0]!;
    const keep = (i: number) =>
      !example.verified.disclosures[i]!.concretePath.includes('.identity');
    const view = recipientView(signers, example, 'de-bka', keep);
    const objects = deliveryStixObjects(view);
    const ext = (objects[0]!.extensions as Record<string, Record<string, unknown>>)[
      MESSAGE_EXTENSION_ID
    ]!;
    expect((ext.withheld_fields as { path: string }[]).map((w) => w.path)).toEqual(
      view.delivery.withheld.map((w) => w.path),
    );
    const persons = objects.filter((o) => o.type === 'identity');
    expect(persons.length).toBeGreaterThan(0);
    for (const p of persons)
      expect(String(p.name)).toMatch(/^subject \d+ \((victim|suspect|witness)\)$/);
  });

  it('an encrypted delivery without the key: envelope only, TLP:RED, the JWE in place of the presentation', () => {
    const view = recipientView(signers, examples[0]!, 'de-bka', everything);
    const objects = deliveryStixObjects({
      delivery: { ...view.delivery, encrypted: true, presentation: 'jwe.compact.form.here.x' },
    });
    expect(objects).toHaveLength(1);
    expect(objects[0]!.object_marking_refs).toEqual([tlpMarkingId('RED')]);
    expect(schemaErrorsOf(objects)).toEqual([]);
  });

  it('differential: no value of a withheld field appears anywhere in the recipient STIX', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: examples.length - 1 }),
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        (which, mask) => {
          const example = examples[which]!;
          const view = recipientView(signers, example, 'de-bka', (i) => mask[i % 200] === true);
          const out = JSON.stringify(deliveryStixObjects(view));
          // What the recipient may see: its claims and the delivery's envelope.
          const allowed = JSON.stringify([view.claims, { ...view.delivery, presentation: '' }]);
          const presented = new Set(view.disclosedPaths);
          for (const d of example.verified.disclosures) {
            if (presented.has(d.concretePath)) continue;
            for (const s of strings(d.value)) {
              const json = JSON.stringify(s).slice(1, -1);
              if (s.length < 6 || allowed.includes(json)) continue;
              expect({ path: d.concretePath, value: s, leaked: out.includes(json) }).toEqual({
                path: d.concretePath,
                value: s,
                leaked: false,
              });
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
