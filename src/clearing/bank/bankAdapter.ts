/**
 * How the clearing engine talks to a bank: instructions out, status reports and booking notifications in.
 * Every operation is idempotent so that an engine killed at any point can simply do it again on restart.
 */

export interface BankMessage {
  /** Unique name of the message (its MsgId plus an extension), the key of idempotence. */
  name: string;
  xml: string;
}

export interface BankAdapter {
  /** Delivers an instruction. Delivering the same name and content again does nothing; other content under a delivered name is refused. */
  send(message: BankMessage): Promise<void>;
  /** What the bank sent that is not yet acknowledged, oldest name first. */
  receive(): Promise<BankMessage[]>;
  /** Marks a received message as processed; acknowledging one already acknowledged does nothing. */
  acknowledge(name: string): Promise<void>;
}

export class BankMessageConflictError extends Error {
  readonly code = "BANK_MESSAGE_CONFLICT";
  constructor(readonly messageName: string) {
    super(`A different instruction was already delivered under the name ${messageName}; an instruction is never replaced.`);
  }
}
