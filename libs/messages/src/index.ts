/**
 * libs/messages: a message as the hub reads it once verified — its validated
 * contract, the facts the policy evaluator needs (marks, victims, minors), the
 * catalogue of its disclosures and whom it addresses. Pure: no I/O.
 */
export * from './message-analysis';
