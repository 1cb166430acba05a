/**
 * A fast decoder for the ledger's events, compiled from their ABI fragments. ethers' general decoder manages
 * about 7,000 logs/s here (proxied results, a checksum hash per address); the ledger's events use only value
 * types, static tuples and arrays of value types, which read straight from 32-byte words. Strict: a word out
 * of its type's range (high bits set in a uint64, a bool of 2, padding that is not zero) throws, so malformed
 * data is still reported. An event with any other type is left to ethers (`compileDecoder` returns null).
 */
import { getAddress, type EventFragment, type ParamType } from "ethers";

type Value = bigint | string | boolean | Value[] | { [name: string]: Value };
type Reader = (word: (index: number) => string, at: number) => { value: Value; words: number };

const CHECKSUMMED = new Map<string, string>();

/** A checksummed address, cached: the same members appear in nearly every event. */
export function checksummed(hex40: string): string {
  let address = CHECKSUMMED.get(hex40);
  if (address === undefined) CHECKSUMMED.set(hex40, (address = getAddress("0x" + hex40)));
  return address;
}

const ZERO_24 = "0".repeat(24);

/** A reader for one static value (one word), or null when the type is not one this decoder handles. */
function valueReader(param: ParamType): ((word: string) => Value) | null {
  const type = param.type;
  let match: RegExpExecArray | null;
  if ((match = /^uint(\d+)$/.exec(type))) {
    const limit = 1n << BigInt(match[1]);
    return (word) => {
      const value = BigInt("0x" + word);
      if (value >= limit) throw new RangeError(`${param.name}: value does not fit ${type}`);
      return value;
    };
  }
  if (type === "address") {
    return (word) => {
      if (!word.startsWith(ZERO_24)) throw new RangeError(`${param.name}: address word has non-zero padding`);
      return checksummed(word.slice(24));
    };
  }
  if (type === "bool") {
    return (word) => {
      const value = BigInt("0x" + word);
      if (value > 1n) throw new RangeError(`${param.name}: bool word is ${value}`);
      return value === 1n;
    };
  }
  if ((match = /^bytes(\d+)$/.exec(type))) {
    const hexChars = Number(match[1]) * 2;
    return (word) => {
      if (!/^0*$/.test(word.slice(hexChars))) throw new RangeError(`${param.name}: ${type} word has non-zero padding`);
      return "0x" + word.slice(0, hexChars).toLowerCase();
    };
  }
  return null;
}

/** A reader for a static value or a tuple of static values (consecutive words), or null when unsupported. */
function staticReader(param: ParamType): Reader | null {
  const value = valueReader(param);
  if (value !== null) return (word, at) => ({ value: value(word(at)), words: 1 });
  if (!param.isTuple()) return null;
  const parts = param.components.map((component) => ({ name: component.name, read: staticReader(component) }));
  if (parts.some((part) => part.read === null)) return null;
  return (word, at) => {
    const out: Record<string, Value> = {};
    let words = 0;
    for (const part of parts) {
      const read = part.read!(word, at + words);
      out[part.name] = read.value;
      words += read.words;
    }
    return { value: out, words };
  };
}

/** A reader for a parameter in the head of the data: a static one, or a dynamic array of value types. */
function headReader(param: ParamType): Reader | null {
  const fixed = staticReader(param);
  if (fixed !== null) return fixed;
  if (!param.isArray() || param.arrayLength !== -1) return null;
  const item = valueReader(param.arrayChildren);
  if (item === null) return null;
  return (word, at) => {
    const offset = BigInt("0x" + word(at));
    if (offset % 32n !== 0n) throw new RangeError(`${param.name}: array offset ${offset} is not a multiple of 32`);
    const start = Number(offset / 32n);
    const length = Number(BigInt("0x" + word(start)));
    const items: Value[] = [];
    for (let i = 0; i < length; i++) items.push(item(word(start + 1 + i)));
    return { value: items, words: 1 };
  };
}

export type CompiledDecoder = (topics: string[], data: string) => Record<string, Value>;

/** Compiles a decoder for one event, or returns null when it uses a type this decoder does not handle. */
export function compileDecoder(fragment: EventFragment): CompiledDecoder | null {
  const indexed: Array<{ name: string; read: (word: string) => Value }> = [];
  const body: Array<{ name: string; read: Reader }> = [];
  for (const input of fragment.inputs) {
    if (input.indexed) {
      // Indexed dynamic values are hashed into their topic: not recoverable, and the ledger has none.
      const read = valueReader(input);
      if (read === null) return null;
      indexed.push({ name: input.name, read });
    } else {
      const read = headReader(input);
      if (read === null) return null;
      body.push({ name: input.name, read });
    }
  }
  return (topics, data) => {
    if (topics.length !== indexed.length + 1) throw new RangeError(`expected ${indexed.length + 1} topics, got ${topics.length}`);
    const hex = data.startsWith("0x") ? data.slice(2) : data;
    if (hex.length % 64 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new RangeError("data is not a whole number of 32-byte words");
    const count = hex.length / 64;
    const word = (index: number) => {
      if (index < 0 || index >= count) throw new RangeError(`data ends before word ${index}`);
      return hex.slice(index * 64, index * 64 + 64);
    };
    const out: Record<string, Value> = {};
    indexed.forEach((input, i) => {
      const topic = topics[i + 1];
      if (!/^0x[0-9a-fA-F]{64}$/.test(topic)) throw new RangeError(`topic ${i + 1} is not 32 bytes`);
      out[input.name] = input.read(topic.slice(2));
    });
    let at = 0;
    for (const input of body) {
      const read = input.read(word, at);
      out[input.name] = read.value;
      at += read.words;
    }
    return out;
  };
}
