/** Nothing to stop: the stack is shared by later runs (stop it with deploy/local/kafka.sh stop). */
export default function globalTeardown(): void {}
