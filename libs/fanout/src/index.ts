/**
 * @liaison/fanout: what the hub sends for a verified message and a slice of
 * them (deliveries, receipt bodies, decisions, dead letters), as pure logic.
 */
export * from './delivery-plan';
export * from './rejection';
export * from './slice-plan';
