import { codecFor } from '@liaison/contracts';
import { SAMPLE_DELIVERY } from '../../../contracts/src/testing/deliveries';
import { DELIVERY_V1 } from './1732340200000-content-storage';

describe("the content-storage migration's frozen Delivery v1", () => {
  it('encodes a delivery byte for byte as the live codec does', () => {
    const encoded = DELIVERY_V1.encode(SAMPLE_DELIVERY);
    expect(encoded.equals(codecFor('Delivery').encode(SAMPLE_DELIVERY))).toBe(true);
  });

  it('decodes a live record back to its JSON form', () => {
    const bytes = codecFor('Delivery').encode(SAMPLE_DELIVERY);
    expect(JSON.parse(JSON.stringify(DELIVERY_V1.decode(bytes)))).toEqual(
      JSON.parse(JSON.stringify(SAMPLE_DELIVERY)),
    );
  });

  it('refuses bytes of another schema', () => {
    expect(() => DELIVERY_V1.decode(Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0]))).toThrow(
      'not a Delivery v1 record',
    );
  });
});
