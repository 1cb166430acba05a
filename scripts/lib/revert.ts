/** Finds the revert data in an ethers / Hardhat error and decodes it against a contract's ABI. */
import type { Interface } from "ethers";

export interface DecodedRevert {
  name: string;
  args: Record<string, unknown>;
  /** e.g. `PieceNotInStatus(pieceId=65537, status=2, required=1)`. */
  text: string;
}

export function decodeRevert(error: unknown, iface: Interface): DecodedRevert | undefined {
  const data = findRevertData(error, 0);
  if (data === undefined) return undefined;
  const parsed = iface.parseError(data);
  if (parsed === null) return undefined;
  const args: Record<string, unknown> = {};
  parsed.fragment.inputs.forEach((input, i) => (args[input.name || `arg${i}`] = parsed.args[i]));
  const text = `${parsed.name}(${Object.entries(args)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ")})`;
  return { name: parsed.name, args, text };
}

function findRevertData(value: unknown, depth: number): string | undefined {
  if (depth > 8 || value === null || typeof value !== "object") return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.data === "string" && /^0x[0-9a-fA-F]{8}/.test(o.data)) return o.data;
  for (const key of ["data", "error", "info", "cause", "revert", "payload"]) {
    const found = findRevertData(o[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
