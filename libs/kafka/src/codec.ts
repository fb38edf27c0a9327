/** What a consumer needs of a codec: a codec, or a decoder of some fields only. */
export interface RecordDecoder<T> {
  decode(bytes: Buffer): T;
}

/** The bytes on a topic and the typed value they carry; codecs come from libs/contracts. */
export interface Codec<T> extends RecordDecoder<T> {
  encode(value: T): Buffer;
}
