/**
 * Unified social credit codes (GB 32100-2015): 18 characters over a 31-character alphabet,
 * the last a check character over the first 17.
 */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a code. Throws on a character outside the alphabet. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`uscc: expected 17 characters before the check character, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new RangeError(`uscc: character ${JSON.stringify(first17[i])} at position ${i + 1} is not allowed`);
    sum += value * WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** True when `code` is a well-formed USCC with a correct check character. */
export function isValidUscc(code: string): boolean {
  if (typeof code !== "string" || code.length !== 18) return false;
  for (const char of code) if (!USCC_ALPHABET.includes(char)) return false;
  return usccCheckCharacter(code.slice(0, 17)) === code[17];
}

/** The code as the `bytes18` the registry stores (18 ASCII bytes). */
export function usccToBytes18(code: string): string {
  if (!isValidUscc(code)) throw new RangeError(`uscc: ${JSON.stringify(code)} is not a valid unified social credit code`);
  return "0x" + Buffer.from(code, "ascii").toString("hex");
}

/** The code back from `bytes18`. */
export function bytes18ToUscc(value: string): string {
  if (!/^0x[0-9a-fA-F]{36}$/.test(value)) throw new RangeError(`uscc: expected bytes18 as 0x and 36 hex digits, got ${JSON.stringify(value)}`);
  return Buffer.from(value.slice(2), "hex").toString("ascii");
}
