import { usccCheckCharacter } from "../../src/sdk/uscc.js";

/** A valid USCC for test member number `n` (distinct per n). */
export function testUscc(n: number): string {
  const first17 = "91310000" + String(n).padStart(9, "0");
  return first17 + usccCheckCharacter(first17);
}
