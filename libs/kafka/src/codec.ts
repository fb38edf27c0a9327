/** The bytes on a topic and the typed value they carry; codecs come from libs/contracts. */
export interface Codec<T> {
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}
