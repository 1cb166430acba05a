/**
 * Deploys the voucher ledger (which is also the consortium registry) and the operator's fee schedule.
 *
 *   npx hardhat ignition deploy deploy/modules/VoucherLedger.ts --network <name> \
 *     --parameters deploy/parameters/example.json
 *
 * Parameters (module id `VoucherLedgerModule`):
 *   admin   the consortium admin (DEFAULT_ADMIN_ROLE and CONSORTIUM_ADMIN_ROLE); default: account 0
 *   policy  the initial Policy struct; default: DEFAULT_POLICY (DOMAIN.md defaults). In a JSON
 *           parameters file write uint64 amounts as "10000n" (Ignition reads "<digits>n" as a bigint).
 *
 * Members are not onboarded here: run src/deploy/onboard.ts with a consortium config
 * (as `npm start` does, src/consortium/deployment.ts), so member lists can change without a new deployment.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { DEFAULT_POLICY } from "../../src/sdk/constants.js";

export default buildModule("VoucherLedgerModule", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const policy = m.getParameter("policy", { ...DEFAULT_POLICY });

  const ledger = m.contract("VoucherLedger", [admin, policy]);
  const feeSchedule = m.contract("FeeSchedule", [ledger]);

  return { ledger, feeSchedule };
});
