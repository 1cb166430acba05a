/**
 * The simulated bank's booking rules for one instruction, transaction by transaction in file order (as
 * BtchBookg false asks), each payment block debiting its own debtor's account: each transaction is judged
 * against the balance the ones before it left.
 *
 *   EndToEndId executed before (by any message)  → RJCT DUPL, nothing moves: the bank's own duplicate control
 *   currency other than CNY                       → RJCT AM03
 *   zero amount                                   → RJCT AM01
 *   debtor account not held here                  → RJCT AC02
 *   balance below the amount                      → RJCT AM04
 *   otherwise                                     → ACSC: debtor debited, creditor credited when held here
 *                                                   (an account at another bank is only recorded)
 *
 * Mutates `state`; the caller works on a copy and keeps it only once it is on disk.
 */
import { fenToCny } from "../../sdk/money.js";
import type { Pain001Instruction, Pain001Transaction } from "./pain001Read.js";
import { bankReference } from "./references.js";
import type { InstructionOutcome, JournalEntry, SimulatorState, TransactionOutcome } from "./simulatorState.js";

export function executeInstruction(state: SimulatorState, instruction: Pain001Instruction, digest: string, at: Date): InstructionOutcome {
  const executed = new Map<string, JournalEntry>(state.journal.map((entry) => [entry.endToEndId, entry]));
  const bookedAt = at.toISOString();
  // Flat, in file order across blocks: the order the bank books in and the pain.002 reports in.
  const transactions = instruction.payments.flatMap((payment) =>
    payment.transactions.map((tx) => executeTransaction(state, executed, { messageId: instruction.messageId, debtor: payment.debtor.accountNumber, bookedAt }, tx)),
  );
  const outcome: InstructionOutcome = { digest, processedAt: bookedAt, transactions };
  state.instructions.set(instruction.messageId, outcome);
  return outcome;
}

function executeTransaction(
  state: SimulatorState,
  executed: Map<string, JournalEntry>,
  { messageId, debtor, bookedAt }: { messageId: string; debtor: string; bookedAt: string },
  tx: Pain001Transaction,
): TransactionOutcome {
  const reject = (reasonCode: string, reasonText: string): TransactionOutcome => ({ endToEndId: tx.endToEndId, status: "RJCT", reasonCode, reasonText });
  const earlier = executed.get(tx.endToEndId);
  if (earlier !== undefined) return reject("DUPL", `Already paid under ${earlier.messageId}, ref ${earlier.bankReference}`);
  if (tx.currency !== "CNY") return reject("AM03", `Only CNY is accepted, not ${tx.currency}`);
  if (tx.amount === 0n) return reject("AM01", "Zero amount");
  const balance = state.accounts.get(debtor);
  if (balance === undefined) return reject("AC02", `Account ${debtor} is not held at this bank`);
  if (balance < tx.amount) return reject("AM04", `Insufficient funds: ${fenToCny(balance)} CNY available, ${fenToCny(tx.amount)} CNY instructed`);

  state.accounts.set(debtor, balance - tx.amount);
  const creditorBalance = state.accounts.get(tx.creditor.accountNumber);
  if (creditorBalance !== undefined) state.accounts.set(tx.creditor.accountNumber, creditorBalance + tx.amount);
  const entry: JournalEntry = {
    endToEndId: tx.endToEndId,
    messageId,
    debtorAccount: debtor,
    creditorAccount: tx.creditor.accountNumber,
    creditorCnaps: tx.creditor.cnaps,
    creditorName: tx.creditor.name,
    amount: tx.amount,
    bookedAt,
    bankReference: bankReference(messageId, tx.endToEndId),
  };
  state.journal.push(entry);
  executed.set(tx.endToEndId, entry);
  return { endToEndId: tx.endToEndId, status: "ACSC", bankReference: entry.bankReference };
}
