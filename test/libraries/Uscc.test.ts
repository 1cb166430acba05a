import { expect } from "chai";
import { network } from "hardhat";
import { MemberRole } from "../../src/sdk/constants.js";
import { USCC_ALPHABET, bytes18ToUscc, isValidUscc, usccCheckCharacter, usccToBytes18 } from "../../src/sdk/uscc.js";
import { testUscc } from "../helpers/uscc.js";
import { deployConsortium } from "../fixtures/consortium.js";
import { prng } from "../helpers/random.js";

const { ethers, networkHelpers } = await network.getOrCreate();

/** Any 18-character string as bytes18, without the SDK's validation. */
function rawBytes18(code: string): string {
  if (code.length !== 18) throw new RangeError(`rawBytes18: expected 18 characters, got ${code.length}`);
  const hex = Buffer.from(code, "latin1").toString("hex");
  if (hex.length !== 36) throw new RangeError(`rawBytes18: ${JSON.stringify(code)} is not 18 single-byte characters`);
  return "0x" + hex;
}


/** Replaces the character at `index`. */
function withCharAt(code: string, index: number, char: string): string {
  return code.slice(0, index) + char + code.slice(index + 1);
}

const VALID_VECTORS = ["91350200776049653A", "91512081MA62K0260E"];
const FORBIDDEN_LETTERS = ["I", "O", "S", "V", "Z"];

describe("Uscc", function () {
  async function usccFixture() {
    const c = await deployConsortium(ethers);
    const signers = await ethers.getSigners();
    return { ...c, newcomer: signers[14] };
  }

  /** A fresh address per call: registration is one account per code. */
  let addressCounter = 0;
  function freshAddress(): string {
    return ethers.getAddress("0x" + (0xc0de0000 + ++addressCounter).toString(16).padStart(40, "0"));
  }

  describe("Uscc.isValid (through .registerMember())", function () {
    describe("when the code is a published valid vector", function () {
      for (const code of VALID_VECTORS) {
        it(`registers ${code}`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          const bytes = usccToBytes18(code);
          await expect(c.contracts.registry.registerMember(c.newcomer.address, bytes, MemberRole.Supplier, 0))
            .to.emit(c.contracts.registry, "MemberRegistered")
            .withArgs(c.newcomer.address, bytes, MemberRole.Supplier, 0);
          expect(await c.contracts.registry.accountOf(bytes)).to.equal(c.newcomer.address);
          expect(bytes18ToUscc((await c.contracts.registry.memberOf(c.newcomer.address)).uscc)).to.equal(code);
        });
      }
    });

    describe("when the check character is wrong", function () {
      it("reverts with RegistryInvalidUscc for 91350100M000100Y4Z", async function () {
        const c = await networkHelpers.loadFixture(usccFixture);
        const bytes = rawBytes18("91350100M000100Y4Z");
        await expect(c.contracts.registry.registerMember(c.newcomer.address, bytes, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
          .withArgs(bytes);
      });

      it("reverts with RegistryInvalidUscc for 91350100M000100Y4 with any alphabet check character but the right one", async function () {
        const c = await networkHelpers.loadFixture(usccFixture);
        const prefix = "91350100M000100Y4";
        const right = usccCheckCharacter(prefix);
        for (const char of USCC_ALPHABET) {
          const bytes = rawBytes18(prefix + char);
          if (char === right) {
            await c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0);
          } else {
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        }
      });

      for (const code of VALID_VECTORS) {
        it(`reverts with RegistryInvalidUscc for ${code} with its check character changed`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          for (const char of USCC_ALPHABET) {
            if (char === code[17]) continue;
            const bytes = rawBytes18(withCharAt(code, 17, char));
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        });
      }
    });

    describe("when a testUscc(n) code is mutated", function () {
      // The fixture registers testUscc(1..12); these n are unregistered, so only the check can refuse them.
      const variants = [13, 14, 99, 123_456_789];

      for (const n of variants) {
        const code = testUscc(n);

        it(`accepts testUscc(${n}) = ${code} itself`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          await c.contracts.registry.registerMember(c.newcomer.address, usccToBytes18(code), MemberRole.Supplier, 0);
          expect(await c.contracts.registry.accountOf(usccToBytes18(code))).to.equal(c.newcomer.address);
        });

        it(`reverts with RegistryInvalidUscc for every wrong check character of testUscc(${n})`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          for (const char of USCC_ALPHABET) {
            if (char === code[17]) continue;
            const bytes = rawBytes18(withCharAt(code, 17, char));
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        });

        it(`reverts with RegistryInvalidUscc for testUscc(${n}) with one body character substituted (check kept)`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          for (let position = 0; position < 17; position++) {
            // The next alphabet character: a single substitution always changes the weighted sum mod 31.
            const current = USCC_ALPHABET.indexOf(code[position]);
            const replacement = USCC_ALPHABET[(current + 1 + position) % 31];
            if (replacement === code[position]) continue;
            const bytes = rawBytes18(withCharAt(code, position, replacement));
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        });

        it(`reverts with RegistryInvalidUscc for testUscc(${n}) with two different adjacent body characters swapped`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          let swaps = 0;
          for (let position = 0; position < 16; position++) {
            if (code[position] === code[position + 1]) continue;
            const swapped = code.slice(0, position) + code[position + 1] + code[position] + code.slice(position + 2);
            const bytes = rawBytes18(swapped);
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
            swaps++;
          }
          expect(swaps).to.be.greaterThan(0);
        });
      }
    });

    describe("when the code contains a letter outside the alphabet (I, O, S, V, Z)", function () {
      for (const letter of FORBIDDEN_LETTERS) {
        it(`reverts with RegistryInvalidUscc for ${letter} in the body, whatever the check character`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          // Position 9 of 91512081MA62K0260E is "A" (value 10); try every possible check character.
          const body = withCharAt("91512081MA62K0260", 9, letter);
          for (const check of USCC_ALPHABET) {
            const bytes = rawBytes18(body + check);
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        });

        it(`reverts with RegistryInvalidUscc for ${letter} as the check character`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          for (const code of VALID_VECTORS) {
            const bytes = rawBytes18(withCharAt(code, 17, letter));
            await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
              .withArgs(bytes);
          }
        });
      }

      it("reverts with RegistryInvalidUscc where a forbidden letter stands for the value an allowed one would have", async function () {
        // A decoder that read a forbidden letter as its alphabet neighbour's value would accept these.
        const c = await networkHelpers.loadFixture(usccFixture);
        for (const [forbidden, lookalike] of [
          ["I", "J"],
          ["O", "P"],
          ["S", "T"],
          ["V", "W"],
          ["Z", "Y"],
        ]) {
          const body = withCharAt("91512081MA62K0260", 9, lookalike);
          const valid = body + usccCheckCharacter(body);
          await c.contracts.registry.registerMember.staticCall(c.newcomer.address, usccToBytes18(valid), MemberRole.Supplier, 0);
          const bytes = rawBytes18(withCharAt(valid, 9, forbidden));
          await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
            .withArgs(bytes);
        }
      });
    });

    describe("when the code is in lower case", function () {
      for (const code of [...VALID_VECTORS, "91350200776049653a"]) {
        const lower = code.toLowerCase();
        it(`reverts with RegistryInvalidUscc for ${lower}`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          const bytes = rawBytes18(lower);
          await expect(c.contracts.registry.registerMember(c.newcomer.address, bytes, MemberRole.Supplier, 0))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
            .withArgs(bytes);
        });
      }

      it("reverts with RegistryInvalidUscc when only one letter of the body is lower case", async function () {
        const c = await networkHelpers.loadFixture(usccFixture);
        const bytes = rawBytes18("91512081mA62K0260E");
        await expect(c.contracts.registry.registerMember(c.newcomer.address, bytes, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
          .withArgs(bytes);
      });
    });

    describe("when the code has bytes next to the alphabet's ranges", function () {
      // "/" 0x2f and ":" 0x3a border the digits; "@" 0x40 and "Z" 0x5a, "[" 0x5b border A..Y; space and NUL padding.
      for (const char of ["/", ":", "@", "[", " ", "\u0000", "\u00ff", "-"]) {
        it(`reverts with RegistryInvalidUscc for byte 0x${char.charCodeAt(0).toString(16).padStart(2, "0")} in the body`, async function () {
          const c = await networkHelpers.loadFixture(usccFixture);
          const bytes = rawBytes18(withCharAt("91350200776049653A", 4, char));
          await expect(c.contracts.registry.registerMember.staticCall(c.newcomer.address, bytes, MemberRole.Supplier, 0))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
            .withArgs(bytes);
        });
      }

      it("reverts with RegistryInvalidUscc for a 17-character code padded with a zero byte", async function () {
        const c = await networkHelpers.loadFixture(usccFixture);
        const bytes = "0x" + Buffer.from("91350200776049653", "ascii").toString("hex") + "00";
        await expect(c.contracts.registry.registerMember(c.newcomer.address, bytes, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
          .withArgs(bytes);
      });
    });

    describe("every alphabet character as check character", function () {
      it("is accepted when it is the right one for its prefix", async function () {
        const c = await networkHelpers.loadFixture(usccFixture);
        // The last body character has weight 28, invertible mod 31: running it over the alphabet hits every check value.
        const seen = new Set<string>();
        for (const last of USCC_ALPHABET) {
          const prefix = "9135020077604965" + last;
          const check = usccCheckCharacter(prefix);
          seen.add(check);
          await c.contracts.registry.registerMember(freshAddress(), rawBytes18(prefix + check), MemberRole.Supplier, 0);
          expect(await c.contracts.registry.accountOf(rawBytes18(prefix + check))).to.not.equal(ethers.ZeroAddress);
        }
        expect(seen.size).to.equal(31);
      });
    });

    describe("property: 200 generated prefixes", function () {
      it("accepts the SDK's check character and refuses other alphabet characters", async function () {
        this.timeout(120_000);
        const c = await networkHelpers.loadFixture(usccFixture);
        const random = prng(0x05cc);
        const registry = c.contracts.registry;
        let accepted = 0;
        let refused = 0;
        for (let i = 0; i < 200; i++) {
          let prefix = "";
          for (let j = 0; j < 17; j++) prefix += USCC_ALPHABET[Math.floor(random() * 31)];
          const check = usccCheckCharacter(prefix);
          expect(isValidUscc(prefix + check), prefix).to.equal(true);
          await registry.registerMember.staticCall(freshAddress(), rawBytes18(prefix + check), MemberRole.Supplier, 0);
          accepted++;

          // Every wrong character for the first 10 prefixes; 4 sampled wrong characters for the rest.
          const wrong = [...USCC_ALPHABET].filter((char) => char !== check);
          const sample = i < 10 ? wrong : Array.from({ length: 4 }, () => wrong[Math.floor(random() * wrong.length)]);
          for (const char of sample) {
            const bytes = rawBytes18(prefix + char);
            await expect(registry.registerMember.staticCall(freshAddress(), bytes, MemberRole.Supplier, 0), `${prefix}${char}`)
              .to.be.revertedWithCustomError(registry, "RegistryInvalidUscc")
              .withArgs(bytes);
            refused++;
          }
        }
        expect(accepted).to.equal(200);
        expect(refused).to.equal(10 * 30 + 190 * 4);
      });
    });
  });

  describe("src/sdk/uscc.ts", function () {
    describe("USCC_ALPHABET", function () {
      it("has the 31 characters of GB 32100-2015 in value order, without I, O, S, V, Z", function () {
        expect(USCC_ALPHABET).to.equal("0123456789ABCDEFGHJKLMNPQRTUWXY");
        expect(USCC_ALPHABET).to.have.length(31);
        for (const letter of FORBIDDEN_LETTERS) expect(USCC_ALPHABET).to.not.include(letter);
      });
    });

    describe("usccCheckCharacter()", function () {
      it("computes the check character of the published vectors", function () {
        expect(usccCheckCharacter("91350200776049653")).to.equal("A");
        expect(usccCheckCharacter("91512081MA62K0260")).to.equal("E");
        expect(usccCheckCharacter("91350100M000100Y4")).to.not.equal("Z");
      });

      it("returns 0 for an all-zero prefix", function () {
        expect(usccCheckCharacter("0".repeat(17))).to.equal("0");
      });

      it("matches a reference computation with the weights 3^i mod 31", function () {
        const random = prng(17);
        for (let i = 0; i < 100; i++) {
          let prefix = "";
          for (let j = 0; j < 17; j++) prefix += USCC_ALPHABET[Math.floor(random() * 31)];
          let sum = 0;
          let weight = 1;
          for (let j = 0; j < 17; j++) {
            sum += USCC_ALPHABET.indexOf(prefix[j]) * weight;
            weight = (weight * 3) % 31;
          }
          expect(usccCheckCharacter(prefix), prefix).to.equal(USCC_ALPHABET[(31 - (sum % 31)) % 31]);
        }
      });

      describe("when the prefix is not 17 characters", function () {
        for (const length of [0, 16, 18]) {
          it(`throws RangeError for ${length} characters`, function () {
            expect(() => usccCheckCharacter("9".repeat(length))).to.throw(
              RangeError,
              `uscc: expected 17 characters before the check character, got ${length}`,
            );
          });
        }
      });

      describe("when the prefix has a character outside the alphabet", function () {
        for (const letter of [...FORBIDDEN_LETTERS, "a", "-"]) {
          it(`throws RangeError naming ${JSON.stringify(letter)} and its position`, function () {
            expect(() => usccCheckCharacter(withCharAt("91512081MA62K0260", 9, letter))).to.throw(
              RangeError,
              `uscc: character ${JSON.stringify(letter)} at position 10 is not allowed`,
            );
          });
        }
      });
    });

    describe("isValidUscc()", function () {
      it("is true for the published valid vectors and for testUscc(n)", function () {
        for (const code of VALID_VECTORS) expect(isValidUscc(code), code).to.equal(true);
        for (let n = 0; n < 50; n++) expect(isValidUscc(testUscc(n)), testUscc(n)).to.equal(true);
      });

      it("is false for 91350100M000100Y4Z", function () {
        expect(isValidUscc("91350100M000100Y4Z")).to.equal(false);
      });

      it("is false for every wrong check character", function () {
        for (const code of VALID_VECTORS) {
          for (const char of USCC_ALPHABET) {
            if (char !== code[17]) expect(isValidUscc(withCharAt(code, 17, char)), char).to.equal(false);
          }
        }
      });

      it("is false for lower case", function () {
        expect(isValidUscc("91512081ma62k0260e")).to.equal(false);
        expect(isValidUscc("91350200776049653a")).to.equal(false);
      });

      it("is false for a forbidden letter anywhere", function () {
        for (const letter of FORBIDDEN_LETTERS) {
          expect(isValidUscc(withCharAt("91512081MA62K0260E", 9, letter)), letter).to.equal(false);
          expect(isValidUscc(withCharAt("91512081MA62K0260E", 17, letter)), letter).to.equal(false);
        }
      });

      it("is false for the wrong length", function () {
        expect(isValidUscc("")).to.equal(false);
        expect(isValidUscc("91350200776049653")).to.equal(false);
        expect(isValidUscc("91350200776049653A0")).to.equal(false);
        expect(isValidUscc(" 91350200776049653A")).to.equal(false);
      });

      it("is false for a value that is not a string", function () {
        expect(isValidUscc(undefined as unknown as string)).to.equal(false);
        expect(isValidUscc(913502007760496530 as unknown as string)).to.equal(false);
        expect(isValidUscc(["91350200776049653A"] as unknown as string)).to.equal(false);
      });
    });

    describe("usccToBytes18()", function () {
      it("encodes the 18 ASCII bytes", function () {
        expect(usccToBytes18("91350200776049653A")).to.equal("0x393133353032303037373630343936353341");
        expect(usccToBytes18("91512081MA62K0260E")).to.equal("0x3931353132303831" + "4d4136324b3032363045");
      });

      it("produces a 0x-prefixed 36-digit hex string", function () {
        for (let n = 1; n < 20; n++) expect(usccToBytes18(testUscc(n))).to.match(/^0x[0-9a-f]{36}$/);
      });

      describe("when the code is not valid", function () {
        for (const code of ["91350100M000100Y4Z", "91512081ma62k0260e", "91350200776049653", "91350200776049653B"]) {
          it(`throws RangeError for ${JSON.stringify(code)}`, function () {
            expect(() => usccToBytes18(code)).to.throw(
              RangeError,
              `uscc: ${JSON.stringify(code)} is not a valid unified social credit code`,
            );
          });
        }
      });
    });

    describe("bytes18ToUscc()", function () {
      it("decodes what usccToBytes18 encodes", function () {
        for (const code of [...VALID_VECTORS, testUscc(1), testUscc(987_654_321)]) {
          expect(bytes18ToUscc(usccToBytes18(code))).to.equal(code);
        }
      });

      it("refuses hex without the 0x prefix, of the wrong length, or not hex", function () {
        for (const bad of ["393133353032303037373630343936353341", "0x3931", "0x" + "zz".repeat(18), "0x" + "39".repeat(19)]) {
          expect(() => bytes18ToUscc(bad)).to.throw(RangeError, /expected bytes18/);
        }
      });

      it("decodes upper-case hex", function () {
        expect(bytes18ToUscc("0x3931353132303831" + "4D4136324B3032363045")).to.equal("91512081MA62K0260E");
      });
    });
  });
});
