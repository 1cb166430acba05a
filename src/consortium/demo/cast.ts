/**
 * Who plays in the demo, taken from the consortium config, each with the SDK client its own software
 * would use: two core enterprises with different clearing banks, seven suppliers (a chain of tiers one
 * longer than the policy's depth limit), and the oracles.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import type { ConsortiumPlan, PlannedMember } from "../../deploy/consortiumConfig.js";
import { BankClient, CoreEnterpriseClient, OracleClient, SupplierClient } from "../../sdk/clients/index.js";
import { developmentKeyFor } from "../developmentKeys.js";

export const TIERS = 7;

export interface Member<Client> {
  member: PlannedMember;
  client: Client;
}

export interface Cast {
  provider: JsonRpcProvider;
  /** The first core enterprise (pays on time) and its clearing bank. */
  core: Member<CoreEnterpriseClient>;
  clearingBank: Member<BankClient>;
  /** The second core enterprise (will default) and its clearing bank, which also lends. */
  lateCore: Member<CoreEnterpriseClient>;
  lender: Member<BankClient>;
  suppliers: Array<Member<SupplierClient>>;
  oracles: OracleClient[];
  nameOf(address: string): string;
}

export function castOf(plan: ConsortiumPlan, rpcUrl: string, ledgerAddress: string, oracleUrls: string[]): Cast {
  const [core, lateCore] = plan.coreEnterprises;
  const suppliers = plan.members.filter((member) => member.section === "suppliers");
  if (core === undefined || lateCore === undefined || core.clearingBank === lateCore.clearingBank || suppliers.length < TIERS || oracleUrls.length === 0) {
    throw new Error(`the demo needs two core enterprises with different clearing banks, ${TIERS} suppliers and an oracle in the consortium config (config/consortium.example.json has them)`);
  }
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, pollingInterval: 100, cacheTimeout: -1 });
  const oracles = oracleUrls.map((url) => new OracleClient(url));
  const signer = (member: PlannedMember) => new Wallet(developmentKeyFor(member.name, member.address), provider);
  const member = <Client>(m: PlannedMember, make: (signer: Wallet) => Client): Member<Client> => ({ member: m, client: make(signer(m)) });
  const byKey = (key: string) => plan.byKey.get(key)!;
  return {
    provider,
    core: member(byKey(core.key), (s) => new CoreEnterpriseClient(s, ledgerAddress, oracles)),
    clearingBank: member(byKey(core.clearingBankKey), (s) => new BankClient(s, ledgerAddress)),
    lateCore: member(byKey(lateCore.key), (s) => new CoreEnterpriseClient(s, ledgerAddress, oracles)),
    lender: member(byKey(lateCore.clearingBankKey), (s) => new BankClient(s, ledgerAddress)),
    suppliers: suppliers.slice(0, TIERS).map((m) => member(m, (s) => new SupplierClient(s, ledgerAddress, oracles))),
    oracles,
    nameOf: (address) => plan.members.find((m) => m.address.toLowerCase() === address.toLowerCase())?.name ?? address,
  };
}
