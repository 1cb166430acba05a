/**
 * The smallest JSON-RPC client the audit needs: plain requests and batches over HTTP, or over an EIP-1193
 * provider (Hardhat's embedded chain in tests). Two failures are kept apart because they mean different
 * things to an auditor: the node answered with an error (`RpcError`: e.g. a refused log range) or could not
 * be reached at all (`NodeUnreachableError`).
 */

/** The node answered, with a JSON-RPC error object. */
export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly method: string,
    readonly code: number,
    readonly nodeMessage: string,
  ) {
    super(`${method}: the node answered with error ${code}: ${nodeMessage}`);
  }
}

/** No answer: connection refused, timeout, or something that is not JSON-RPC. */
export class NodeUnreachableError extends Error {
  override readonly name = "NodeUnreachableError";
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`The node at ${url} could not be reached: ${reason}`);
  }
}

export interface RpcCall {
  method: string;
  params: unknown[];
}

export interface RpcTransport {
  /** What to name the node in messages (its URL). */
  readonly label: string;
  request<T>(method: string, params: unknown[]): Promise<T>;
  /** Several calls in one round trip; each answer is a value or an `RpcError`, in the order of `calls`. */
  batch(calls: RpcCall[]): Promise<unknown[]>;
}

interface JsonRpcAnswer {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

/** JSON-RPC over HTTP(S) with `fetch`. */
export function httpTransport(url: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): RpcTransport {
  let nextId = 1;
  const post = async (body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new NodeUnreachableError(url, describeFetchError(error));
    }
    const text = await response.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // 413 and 5xx from a gateway in front of the node usually mean "this answer is too large".
      if (response.status === 413 || response.status >= 500) return { error: { code: -32000 - response.status, message: `HTTP ${response.status} ${response.statusText}` } };
      throw new NodeUnreachableError(url, `it answered HTTP ${response.status} with something that is not JSON-RPC`);
    }
    return parsed;
  };
  const answerOf = (method: string, answer: JsonRpcAnswer): unknown => {
    if (answer === null || typeof answer !== "object") throw new NodeUnreachableError(url, `it answered ${method} with something that is not JSON-RPC`);
    if (answer.error !== undefined) return new RpcError(method, Number(answer.error.code ?? 0), String(answer.error.message ?? "no message"));
    return answer.result;
  };
  return {
    label: url,
    async request<T>(method: string, params: unknown[]): Promise<T> {
      const answer = answerOf(method, (await post({ jsonrpc: "2.0", id: nextId++, method, params })) as JsonRpcAnswer);
      if (answer instanceof RpcError) throw answer;
      return answer as T;
    },
    async batch(calls: RpcCall[]): Promise<unknown[]> {
      if (calls.length === 0) return [];
      const first = nextId;
      nextId += calls.length;
      const body = calls.map((call, i) => ({ jsonrpc: "2.0", id: first + i, method: call.method, params: call.params }));
      const answer = await post(body);
      // A node without batch support answers one error object: fall back to one request per call.
      if (!Array.isArray(answer)) return Promise.all(calls.map((call) => this.request(call.method, call.params).catch((error: unknown) => rethrowUnlessRpc(error))));
      const byId = new Map((answer as JsonRpcAnswer[]).map((a) => [Number(a?.id), a]));
      return calls.map((call, i) => {
        const one = byId.get(first + i);
        if (one === undefined) throw new NodeUnreachableError(url, `its batch answer has no answer to ${call.method}`);
        return answerOf(call.method, one);
      });
    },
  };
}

/** An EIP-1193 provider (`request({ method, params })`), e.g. `network.getOrCreate().provider` in Hardhat. */
export function eip1193Transport(provider: { request(args: { method: string; params?: unknown[] }): Promise<unknown> }, label = "the embedded chain"): RpcTransport {
  const request = async <T>(method: string, params: unknown[]): Promise<T> => {
    try {
      return (await provider.request({ method, params })) as T;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "number") throw new RpcError(method, code, (error as Error).message);
      throw new NodeUnreachableError(label, (error as Error).message);
    }
  };
  return {
    label,
    request,
    batch: (calls) => Promise.all(calls.map((call) => request(call.method, call.params).catch((error: unknown) => rethrowUnlessRpc(error)))),
  };
}

function rethrowUnlessRpc(error: unknown): RpcError {
  if (error instanceof RpcError) return error;
  throw error;
}

function describeFetchError(error: unknown): string {
  if ((error as Error).name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
  const code = cause?.code ?? cause?.errors?.find((inner) => inner.code)?.code;
  const reason = { ECONNREFUSED: "connection refused", ENOTFOUND: "host not found", ECONNRESET: "connection reset", EHOSTUNREACH: "host unreachable", ETIMEDOUT: "connection timed out" }[code ?? ""];
  if (reason) return `${reason} (${code})`;
  return cause?.message ?? (error as Error).message;
}

/** "0x1f" → 31, refusing anything that is not a quantity. */
export function quantity(value: unknown, what: string): number {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]+$/.test(value)) throw new TypeError(`${what}: expected a hex quantity, got ${JSON.stringify(value)}`);
  const n = Number.parseInt(value, 16);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what}: ${value} is too large`);
  return n;
}

export function toQuantity(n: number): string {
  return "0x" + n.toString(16);
}
