/** The Avro contracts as JSON Schemas: shape by mode, checked against real records. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { codecFor, type Delivery } from '@liaison/contracts';
import { avroJsonSchemas, type JsonSchema } from './avro-json-schemas';

const schemas = avroJsonSchemas([
  { name: 'Delivery', mode: 'decoded' },
  { name: 'Alert', mode: 'json-form' },
]);
const props = (name: string): Record<string, JsonSchema> =>
  (schemas[name]?.properties ?? {}) as Record<string, JsonSchema>;

/** A validator of one component, its $refs resolved against all of them. */
function validatorOf(name: string) {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: { schemas } });
  return ajv.compile({ $ref: `doc#/components/schemas/${name}` });
}

describe('avroJsonSchemas', () => {
  it('reads a decoded record as every field present, nullable ones null or a value', () => {
    expect(schemas.Delivery?.required).toEqual(expect.arrayContaining(['caseRef', 'withheld']));
    expect(props('Delivery').caseRef).toMatchObject({
      oneOf: [{ type: 'string' }, { type: 'null' }],
    });
    expect(props('Delivery').deliveredAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(props('Delivery').messageId).toMatchObject({ type: 'string', format: 'uuid' });
    expect(props('Delivery').kind).toMatchObject({ $ref: '#/components/schemas/MessageKind' });
    expect(schemas.MessageKind).toMatchObject({ enum: ['ALERT', 'CASE_NOTICE'] });
  });

  it('reads the JSON form with nullable and defaulted fields optional', () => {
    expect(schemas.Alert?.required).toContain('messageId');
    expect(schemas.Alert?.required).not.toContain('headline');
    expect(props('Alert').originatorAgency).toMatchObject({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
  });

  it('accepts a delivery as the gateway renders it and refuses one missing a field', () => {
    const valid = validatorOf('Delivery');
    const delivery: Delivery = {
      messageId: '0b6f8f0e-3a51-4c2e-9d7a-2f1e5c8b9a10',
      kind: 'ALERT',
      messageType: 'VICTIM_AT_RISK',
      originatorAgency: 'nl-knp',
      recipientAgency: 'de-bka',
      caseRef: null,
      presentation: 'eyJ...~',
      encrypted: false,
      disclosedPaths: ['headline'],
      withheld: [],
      policyVersion: 'none',
      receipt: 'eyJ...',
      receiptProof: { leafIndex: 0, treeSize: 1, path: [] },
      deliveredAt: '2026-03-14T06:40:00.000Z',
      custodial: false,
    };
    // As the feed answers it: decoded from the Avro record, then JSON.
    const codec = codecFor('Delivery');
    const rendered: unknown = JSON.parse(JSON.stringify(codec.decode(codec.encode(delivery))));
    expect(valid(rendered) ? [] : valid.errors).toEqual([]);
    const { receipt: _receipt, ...missing } = rendered as Record<string, unknown>;
    expect(valid(missing)).toBe(false);
  });

  it('refuses a type that would have two shapes', () => {
    expect(() =>
      avroJsonSchemas([
        { name: 'Delivery', mode: 'decoded' },
        { name: 'Delivery', mode: 'json-form' },
      ]),
    ).toThrow(/two JSON shapes/);
  });
});
