/** A value that prints as "[redacted]" everywhere: logs, JSON, util.inspect. Only `reveal()` gives it out. */
import { inspect } from "node:util";

export class Secret<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return "[redacted]";
  }
  toString(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "[redacted]";
  }
}
