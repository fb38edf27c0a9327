/** Injection tokens for the values the gateway builds at boot. */
export const CONFIG = Symbol('CONFIG');
export const LOGGER = Symbol('LOGGER');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const KAFKA = Symbol('KAFKA');
