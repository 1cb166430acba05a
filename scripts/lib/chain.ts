/** Chain helpers shared by the runnable scripts and the benchmark. */
import type { BaseContract, ContractTransactionReceipt, Provider, Signer } from "ethers";

/** The latest block's timestamp. */
export async function chainTime(provider: Provider): Promise<bigint> {
  const block = await provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/**
 * Sends one transaction and waits for it. The gas limit is the estimate plus 20% (estimates can undershoot
 * on calls that create storage); a revert surfaces at estimation, with its data, before anything is sent.
 */
export async function send(
  contract: BaseContract,
  signer: Signer,
  method: string,
  args: unknown[],
): Promise<ContractTransactionReceipt> {
  const fn = (contract.connect(signer) as BaseContract).getFunction(method);
  const gasLimit = ((await fn.estimateGas(...args)) * 12n) / 10n;
  const tx = await fn.send(...args, { gasLimit });
  const receipt = (await tx.wait()) as ContractTransactionReceipt | null;
  if (receipt === null || receipt.status !== 1) throw new Error(`${method} failed in tx ${tx.hash}`);
  return receipt;
}
