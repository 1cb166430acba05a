/**
 * A service's signing key as its config file names it: a private key in an environment variable, or an
 * encrypted JSON keystore whose password is in one. The key itself never sits in the file.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Wallet, isHexString } from "ethers";
import { envNameSchema, requiredEnv, section } from "./configFile.js";
import { Secret } from "./secret.js";

export const signerSchema = {
  oneOf: [
    { type: "object", additionalProperties: false, required: ["privateKeyEnv"], properties: { privateKeyEnv: envNameSchema } },
    {
      type: "object",
      additionalProperties: false,
      required: ["keystoreFile", "passwordEnv"],
      properties: { keystoreFile: { type: "string", minLength: 1 }, passwordEnv: envNameSchema },
    },
  ],
} as const;

export type SignerFileConfig = { privateKeyEnv: string } | { keystoreFile: string; passwordEnv: string };
export type SignerConfig = { privateKey: Secret<string> } | { keystoreFile: string; password: Secret<string> };

/**
 * Reads the signer section's environment variable, pushing every problem to `problems`; returns the
 * resolved signer, or undefined when the section is not usable (its problems are then in the list).
 */
export function resolveSigner(raw: unknown, env: NodeJS.ProcessEnv, baseDir: string, problems: string[]): SignerConfig | undefined {
  const signer = section(raw);
  if ("privateKeyEnv" in signer) {
    const key = requiredEnv(env, signer.privateKeyEnv, problems);
    if (key === "") return undefined;
    if (!isHexString(key, 32)) {
      problems.push(`environment variable ${String(signer.privateKeyEnv)} is not a 32-byte 0x-hex private key`);
      return undefined;
    }
    return { privateKey: new Secret(key) };
  }
  const password = requiredEnv(env, signer.passwordEnv, problems);
  if (password === "" || typeof signer.keystoreFile !== "string") return undefined;
  return { keystoreFile: resolve(baseDir, signer.keystoreFile), password: new Secret(password) };
}

/** The wallet: from the environment, or decrypted from a keystore (scrypt; takes a second). */
export async function openWallet(signer: SignerConfig, fail: (problems: string[]) => Error): Promise<Wallet> {
  if ("privateKey" in signer) return new Wallet(signer.privateKey.reveal());
  const { keystoreFile, password } = signer;
  const keystore = await readFile(keystoreFile, "utf8").catch((error: Error) => {
    throw fail([`keystore ${keystoreFile} could not be read: ${error.message}`]);
  });
  try {
    const wallet = await Wallet.fromEncryptedJson(keystore, password.reveal());
    return new Wallet(wallet.privateKey);
  } catch (error) {
    throw fail([`keystore ${keystoreFile} could not be decrypted: ${(error as Error).message.split(" (")[0]}`]);
  }
}
