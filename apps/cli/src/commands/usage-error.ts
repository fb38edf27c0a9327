/** A wrong command line: exit code 2 with the reason (commander's own usage errors do the same). */
import { CommanderError } from 'commander';
import { justificationOf } from './audit/audit-query';

export function usage(message: string): CommanderError {
  return new CommanderError(2, 'liaison.usage', message);
}

/** An officer's justification from --justification, or a usage error saying what is wrong. */
export function justified(text: string | undefined): string {
  try {
    return justificationOf(text);
  } catch (error) {
    throw usage((error as Error).message);
  }
}
