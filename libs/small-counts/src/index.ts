/**
 * @liaison/small-counts: small-count suppression for figures shown to agencies
 * about other agencies (case metrics in @liaison/cases, the link overview in
 * @liaison/links). Pure, no dependencies: the policy worker loads @liaison/links
 * without the case calendars.
 */
export * from './small-count-suppression';
