/**
 * Before reading any log: is the node there, and is the address a voucher ledger? A wrong address would
 * otherwise give an empty, "clean" audit. The ledger answers `voucherCount()` and `CONSORTIUM_ADMIN_ROLE()`
 * (the keccak of its name); anything else is not a ledger.
 */
import { id, Interface } from "ethers";
import { quantity, RpcError, toQuantity, type RpcTransport } from "./rpc.js";

const PROBE = new Interface(["function voucherCount() view returns (uint256)", "function CONSORTIUM_ADMIN_ROLE() view returns (bytes32)"]);

export class NotALedgerError extends Error {
  override readonly name = "NotALedgerError";
}

export interface LedgerProbe {
  chainId: number;
  latestBlock: number;
  voucherCount: bigint;
}

export async function probeLedger(transport: RpcTransport, ledger: string): Promise<LedgerProbe> {
  const chainId = quantity(await transport.request("eth_chainId", []), "eth_chainId");
  const latestBlock = quantity(await transport.request("eth_blockNumber", []), "eth_blockNumber");
  const code = await transport.request<string>("eth_getCode", [ledger, "latest"]);
  if (typeof code !== "string" || code === "0x" || /^0x0*$/.test(code)) {
    throw new NotALedgerError(`There is no contract at ${ledger} on chain ${chainId}: check --ledger and --rpc.`);
  }
  const call = async (name: "voucherCount" | "CONSORTIUM_ADMIN_ROLE") => {
    try {
      const data = await transport.request<string>("eth_call", [{ to: ledger, data: PROBE.encodeFunctionData(name) }, "latest"]);
      return PROBE.decodeFunctionResult(name, data)[0] as bigint | string;
    } catch (error) {
      if (error instanceof RpcError || (error as { code?: string }).code === "BAD_DATA") return undefined;
      throw error;
    }
  };
  const [voucherCount, adminRole] = [await call("voucherCount"), await call("CONSORTIUM_ADMIN_ROLE")];
  if (typeof voucherCount !== "bigint" || adminRole !== id("CONSORTIUM_ADMIN_ROLE")) {
    throw new NotALedgerError(`The contract at ${ledger} on chain ${chainId} is not a voucher ledger (it does not answer voucherCount() and CONSORTIUM_ADMIN_ROLE() as the ledger does).`);
  }
  return { chainId, latestBlock, voucherCount };
}

/**
 * True when the ledger did not exist before `fromBlock`, so events from there on are its whole history.
 * A node that has pruned the state of that block cannot say: then the range is treated as partial.
 */
export async function startsAtDeployment(transport: RpcTransport, ledger: string, fromBlock: number): Promise<boolean> {
  if (fromBlock === 0) return true;
  try {
    const code = await transport.request<string>("eth_getCode", [ledger, toQuantity(fromBlock - 1)]);
    return code === "0x";
  } catch (error) {
    if (error instanceof RpcError) return false;
    throw error;
  }
}
