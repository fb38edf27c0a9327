/**
 * @liaison/cases: the pure core of cross-border cases, no I/O. The case and
 * request state machine with its ledger replay, the legal clocks of each
 * instrument in the executing jurisdiction's calendar, and the case metrics with
 * small-count suppression. See docs/cases.md.
 */
export * from './case-event';
export * from './case-state';
export * from './case-lifecycle';
export * from './legal-instrument';
export * from './jurisdiction-calendar';
export * from './request-clock';
export * from './case-metrics';
export * from './jurisdiction-case-figures';
export * from './case-notice-event';
export * from './case-view';
export * from './clock-alerts';
export * from './case-view-state';
export * from './case-timeline';
