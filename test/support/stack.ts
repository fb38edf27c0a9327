/** Connection settings for tests that talk to the real stack. */
import { loadConfig, type HubConfig } from '@liaison/config';

export function testConfig(overrides: Record<string, string> = {}): HubConfig {
  return loadConfig({ ...process.env, NODE_ENV: 'test', ...overrides });
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
