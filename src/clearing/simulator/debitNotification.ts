/**
 * camt.054.001.08 debit notification for the debtor's account: one booked DBIT entry per paid
 * transaction (BtchBookg false), each naming its EndToEndId and the bank's reference, so the engine
 * matches bookings by EndToEndId. Nothing booked, nothing to notify: null.
 */
import type { Pain001Instruction, Pain001Transaction } from "./pain001Read.js";
import { beijingDate, beijingDateTime, notificationId } from "./references.js";
import type { InstructionOutcome } from "./simulatorState.js";
import { accountId, amount, cnapsAgent, element } from "./xmlParts.js";

export const CAMT054_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

// Issued credit transfer, domestic (ISO bank transaction code PMNT / ICDT / DMCT).
const BANK_TRANSACTION_CODE = `<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>`;

export function buildDebitNotification(instruction: Pain001Instruction, outcome: InstructionOutcome): string | null {
  const booked = instruction.transactions
    .map((tx, i) => ({ tx, reference: outcome.transactions[i].bankReference }))
    .filter((item): item is { tx: Pain001Transaction; reference: string } => item.reference !== undefined);
  if (booked.length === 0) return null;

  const processedAt = new Date(outcome.processedAt);
  const at = beijingDateTime(processedAt);
  const messageId = notificationId(instruction.messageId);
  const { debtor } = instruction;
  const owner = debtor.name === null ? "" : `<Ownr>${element("Nm", debtor.name)}</Ownr>`;
  const entries = booked.map(({ tx, reference }, n) => {
    const refs =
      `<Refs>${element("MsgId", instruction.messageId)}${element("AcctSvcrRef", reference)}${element("PmtInfId", instruction.paymentInformationId)}` +
      `${tx.instructionId === null ? "" : element("InstrId", tx.instructionId)}${element("EndToEndId", tx.endToEndId)}</Refs>`;
    const parties = `<RltdPties><Cdtr><Pty>${element("Nm", tx.creditor.name)}</Pty></Cdtr><CdtrAcct>${accountId(tx.creditor.accountNumber)}</CdtrAcct></RltdPties>`;
    const remittance = tx.remittanceInformation === null ? "" : `<RmtInf>${element("Ustrd", tx.remittanceInformation)}</RmtInf>`;
    return (
      `<Ntry><NtryRef>${n + 1}</NtryRef>${amount("Amt", tx.amount, tx.currency)}<CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>` +
      `<BookgDt><DtTm>${at}</DtTm></BookgDt><ValDt><Dt>${beijingDate(processedAt)}</Dt></ValDt>${element("AcctSvcrRef", reference)}${BANK_TRANSACTION_CODE}` +
      `<NtryDtls><TxDtls>${refs}${amount("Amt", tx.amount, tx.currency)}<CdtDbtInd>DBIT</CdtDbtInd>${parties}` +
      `<RltdAgts><CdtrAgt>${cnapsAgent(tx.creditor.cnaps)}</CdtrAgt></RltdAgts>${remittance}</TxDtls></NtryDtls></Ntry>`
    );
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Document xmlns="${CAMT054_NAMESPACE}">`,
    `<BkToCstmrDbtCdtNtfctn>`,
    `<GrpHdr><MsgId>${messageId}</MsgId><CreDtTm>${at}</CreDtTm></GrpHdr>`,
    `<Ntfctn><Id>${messageId}-1</Id><CreDtTm>${at}</CreDtTm>`,
    `<Acct>${accountId(debtor.accountNumber)}<Ccy>CNY</Ccy>${owner}<Svcr>${cnapsAgent(debtor.cnaps)}</Svcr></Acct>`,
    ...entries,
    `</Ntfctn>`,
    `</BkToCstmrDbtCdtNtfctn>`,
    `</Document>`,
    ``,
  ].join("\n");
}
