/** `liaison audit ...`: placeholder until the audit query API lands (see apps/gateway/src/audit). */
import type { Command } from 'commander';
import type { HubClient } from '../hub-client';
import type { OutputOptions } from '../output';

export function registerAuditCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
  setExit: (code: number) => void,
): void {
  void program;
  void client;
  void globals;
  void setExit;
}
