/**
 * libs/stix (pure): a recipient's view of its feed as STIX 2.1 objects (reports
 * for alerts and case notices, groupings for link notices), the TLP 2.0 marking
 * definitions as OASIS publishes them, the Liaison extension definitions, and
 * the TAXII 2.1 object filters and paging over a feed. No I/O.
 */
export * from './bundle';
export * from './extensions';
export * from './link-notice-stix';
export * from './message-stix';
export * from './shared-objects';
export * from './stix-id';
export * from './stix-object';
export * from './taxii-filter';
export * from './taxii-paging';
export * from './tlp';
