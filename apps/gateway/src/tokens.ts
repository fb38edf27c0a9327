/** Injection tokens for the values the gateway builds at boot. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const KAFKA = Symbol('KAFKA');
export const SUBMISSION_SERVICE = Symbol('SUBMISSION_SERVICE');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
export const DIRECTORY_CACHE = Symbol('DIRECTORY_CACHE');
export const FEED_SERVICE = Symbol('FEED_SERVICE');
export const HUB_KEYS = Symbol('HUB_KEYS');
export const KAFKA_PRODUCERS = Symbol('KAFKA_PRODUCERS');
export const RELEASE_SENDER = Symbol('RELEASE_SENDER');
