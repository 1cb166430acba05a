/**
 * camt.054.001.08 debit notification: one Ntfctn per debited account (each payment block's debtor), with
 * one booked DBIT entry per paid transaction (BtchBookg false), each naming its EndToEndId and the bank's
 * reference, so the engine matches bookings by EndToEndId. An account with nothing booked gets no Ntfctn;
 * nothing booked at all, nothing to notify: null.
 */
import type { Pain001Instruction, Pain001Payment, Pain001Transaction } from "./pain001Read.js";
import { paymentOutcomes } from "./paymentOutcomes.js";
import { beijingDate, beijingDateTime, notificationId } from "./references.js";
import type { InstructionOutcome } from "./simulatorState.js";
import { accountId, amount, cnapsAgent, element } from "./xmlParts.js";

export const CAMT054_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

// Issued credit transfer, domestic (ISO bank transaction code PMNT / ICDT / DMCT).
const BANK_TRANSACTION_CODE = `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>`;

interface Booking {
  payment: Pain001Payment;
  tx: Pain001Transaction;
  reference: string;
}

export function buildDebitNotification(instruction: Pain001Instruction, outcome: InstructionOutcome): string | null {
  // By debited account in order of first appearance: two blocks of one debtor share its notification.
  const byAccount = new Map<string, Booking[]>();
  for (const { payment, results } of paymentOutcomes(instruction, outcome)) {
    for (const { tx, result } of results) {
      if (result.bankReference === undefined) continue;
      const booking = { payment, tx, reference: result.bankReference };
      const bookings = byAccount.get(payment.debtor.accountNumber);
      if (bookings === undefined) byAccount.set(payment.debtor.accountNumber, [booking]);
      else bookings.push(booking);
    }
  }
  if (byAccount.size === 0) return null;

  const processedAt = new Date(outcome.processedAt);
  const at = beijingDateTime(processedAt);
  const messageId = notificationId(instruction.messageId);
  const notifications = [...byAccount.values()].flatMap((bookings, n) => {
    const { debtor } = bookings[0].payment;
    const ownerName = bookings.map((booking) => booking.payment.debtor.name).find((name) => name !== null);
    const owner = ownerName === undefined ? "" : `<Ownr>${element("Nm", ownerName)}</Ownr>`;
    return [
      `<Ntfctn><Id>${notificationNumber(messageId, n + 1)}</Id><CreDtTm>${at}</CreDtTm>`,
      `<Acct>${accountId(debtor.accountNumber)}<Ccy>CNY</Ccy>${owner}<Svcr>${cnapsAgent(debtor.cnaps)}</Svcr></Acct>`,
      ...bookings.map((booking, i) => entry(instruction.messageId, booking, i + 1, at, beijingDate(processedAt))),
      `</Ntfctn>`,
    ];
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${CAMT054_NAMESPACE}">`,
    `<BkToCstmrDbtCdtNtfctn>`,
    `<GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>${at}</CreDtTm></GrpHdr>`,
    ...notifications,
    `</BkToCstmrDbtCdtNtfctn>`,
    `</Document>`,
    ``,
  ].join("\n");
}

function entry(messageId: string, { payment, tx, reference }: Booking, number: number, at: string, valueDate: string): string {
  const refs =
    `<Refs>${element("MsgId", messageId)}${element("AcctSvcrRef", reference)}${element("PmtInfId", payment.paymentInformationId)}` +
    `${tx.instructionId === null ? "" : element("InstrId", tx.instructionId)}${element("EndToEndId", tx.endToEndId)}</Refs>`;
  const parties = `<RltdPties><Cdtr><Pty>${element("Nm", tx.creditor.name)}</Pty></Cdtr><CdtrAcct>${accountId(tx.creditor.accountNumber)}</CdtrAcct></RltdPties>`;
  const remittance = tx.remittanceInformation === null ? "" : `<RmtInf>${element("Ustrd", tx.remittanceInformation)}</RmtInf>`;
  return (
    `<Ntry><NtryRef>${number}</NtryRef>${amount("Amt", tx.amount, tx.currency)}<CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
    `<BookgDt><DtTm>${at}</DtTm></BookgDt><ValDt><Dt>${valueDate}</Dt></ValDt>${element("AcctSvcrRef", reference)}${BANK_TRANSACTION_CODE}` +
    `<NtryDtls><TxDtls>${refs}${amount("Amt", tx.amount, tx.currency)}<CdtDbtInd>DBIT</CdtDbtInd>${parties}` +
    `<RltdAgts><CdtrAgt>${cnapsAgent(tx.creditor.cnaps)}</CdtrAgt></RltdAgts>${remittance}</TxDtls></NtryDtls></Ntry>`
  );
}

/** Ntfctn/Id, Max35Text: the message's id (32 characters) and the number, the id shortened only past 99. */
function notificationNumber(messageId: string, n: number): string {
  const suffix = `-${n}`;
  return messageId.slice(0, 35 - suffix.length) + suffix;
}
