/** The stack, as for every project with one, and kafkajs with the correctness fixes only. */
import type { Config } from '@jest/types';
import stackSetup from './global-setup';
import { prepareFixesOnlyKafkajs } from './kafkajs-fixes-only';

export default function globalSetup(
  _global: Config.GlobalConfig,
  project: Config.ProjectConfig,
): void {
  stackSetup();
  // Where this project's moduleNameMapper sends `kafkajs` (jest.config.js).
  const target = project.moduleNameMapper.find(([pattern]) => pattern === '^kafkajs$')?.[1];
  if (typeof target !== 'string') throw new Error('the project does not map kafkajs to a copy');
  prepareFixesOnlyKafkajs(target);
}
