/** The stack, as for every project with one, and kafkajs with the correctness fixes only. */
import stackSetup from './global-setup';
import { prepareFixesOnlyKafkajs } from './kafkajs-fixes-only';

export default function globalSetup(): void {
  stackSetup();
  prepareFixesOnlyKafkajs();
}
