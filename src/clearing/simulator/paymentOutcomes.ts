/**
 * An instruction's payment blocks beside what became of their transactions. The recorded outcome lists the
 * transactions flat, in file order across blocks; the answers need them block by block.
 */
import type { Pain001Instruction, Pain001Payment, Pain001Transaction } from "./pain001Read.js";
import type { InstructionOutcome, TransactionOutcome } from "./simulatorState.js";

export interface PaymentOutcome {
  payment: Pain001Payment;
  results: Array<{ tx: Pain001Transaction; result: TransactionOutcome }>;
}

/** Throws when the outcome was recorded for other transactions: answering from it would misreport them. */
export function paymentOutcomes(instruction: Pain001Instruction, outcome: InstructionOutcome): PaymentOutcome[] {
  let next = 0;
  const paired = instruction.payments.map((payment) => ({
    payment,
    results: payment.transactions.map((tx) => ({ tx, result: outcome.transactions[next++] })),
  }));
  const fits =
    next === outcome.transactions.length &&
    paired.every(({ results }) => results.every(({ tx, result }) => result !== undefined && result.endToEndId === tx.endToEndId));
  if (!fits) throw new Error(`bank simulator state: the recorded outcome of ${instruction.messageId} does not fit the instruction`);
  return paired;
}
