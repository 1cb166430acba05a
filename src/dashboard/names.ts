/**
 * Who an address is, for people: the member's display name from the consortium config when the caller gave
 * one, else the address shortened ("0x90F7…b906"). Pages put the full address in a title so it can be checked.
 */
import type { ConsortiumPlan } from "../deploy/consortiumConfig.js";

/** Lower-case address → display name. */
export type MemberNames = ReadonlyMap<string, string>;

export class Names {
  constructor(private readonly names: MemberNames = new Map()) {}

  /** The display name, or the shortened address when the address has none. */
  of(address: string): string {
    return this.names.get(address.toLowerCase()) ?? shortAddress(address);
  }

  /** True when the config names this address. */
  has(address: string): boolean {
    return this.names.has(address.toLowerCase());
  }
}

/** "0x90F79bf6EB2c4f870365E785982E1f101E93b906" → "0x90F7…b906". */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** The names of a validated consortium config (`parseConsortiumConfig`), keyed by lower-case address. */
export function namesFromPlan(plan: Pick<ConsortiumPlan, "members">): Map<string, string> {
  return new Map(plan.members.map((member) => [member.address.toLowerCase(), member.name]));
}
