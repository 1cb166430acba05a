/**
 * The simulated bank's booking rules for one instruction, transaction by transaction in file order (as
 * BtchBookg false asks): each one is judged against the balance the ones before it left.
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
import type { Pain001Instruction } from "./pain001Read.js";
import { bankReference } from "./references.js";
import type { InstructionOutcome, JournalEntry, SimulatorState, TransactionOutcome } from "./simulatorState.js";

export function executeInstruction(state: SimulatorState, instruction: Pain001Instruction, digest: string, at: Date): InstructionOutcome {
  const executed = new Map<string, JournalEntry>(state.journal.map((entry) => [entry.endToEndId, entry]));
  const debtor = instruction.debtor.accountNumber;
  const bookedAt = at.toISOString();

  const transactions = instruction.transactions.map((tx): TransactionOutcome => {
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
      messageId: instruction.messageId,
      debtorAccount: debtor,
      creditorAccount: tx.creditor.accountNumber,
      creditorCnaps: tx.creditor.cnaps,
      creditorName: tx.creditor.name,
      amount: tx.amount,
      bookedAt,
      bankReference: bankReference(instruction.messageId, tx.endToEndId),
    };
    state.journal.push(entry);
    executed.set(tx.endToEndId, entry);
    return { endToEndId: tx.endToEndId, status: "ACSC", bankReference: entry.bankReference };
  });

  const outcome: InstructionOutcome = { digest, processedAt: bookedAt, transactions };
  state.instructions.set(instruction.messageId, outcome);
  return outcome;
}
