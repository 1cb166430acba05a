/**
 * Production adapters: an HTTP JSON service answers for invoices or delivery documents. The contract:
 * POST `{ invoice }` or `{ delivery }` to the configured URL; the answer is
 * `{ "status": "verified" | "not-found" | "voided" | "mismatch", "fields"?: string[] }`.
 * A timeout, a connection failure, a non-2xx answer or an unreadable body is an outage, never a verdict.
 */
import type { VerifierVerdict } from "../checks/facts.js";
import type { DeliveryEvidence, VatInvoice } from "../package/types.js";
import { type DeliveryVerifier, type InvoiceVerifier, VerifierUnavailableError } from "./verifier.js";

export interface HttpVerifierConfig {
  url: string;
  timeoutMs: number;
  /** Name of the environment variable holding a bearer token, if the service needs one. */
  tokenEnv?: string;
}

async function askVerifier(name: string, config: HttpVerifierConfig, body: unknown, env: NodeJS.ProcessEnv): Promise<VerifierVerdict> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.tokenEnv !== undefined) headers.authorization = `Bearer ${env[config.tokenEnv] ?? ""}`;
  let response: Response;
  try {
    response = await fetch(config.url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(config.timeoutMs) });
  } catch (error) {
    throw new VerifierUnavailableError(name, error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined); // free the connection now, not at garbage collection
    throw new VerifierUnavailableError(name, `HTTP ${response.status}`);
  }
  const answer = (await response.json().catch(() => null)) as { status?: unknown; fields?: unknown } | null;
  switch (answer?.status) {
    case "verified":
    case "not-found":
    case "voided":
      return { status: answer.status };
    case "mismatch":
      return { status: "mismatch", fields: Array.isArray(answer.fields) ? answer.fields.map(String) : [] };
    default:
      throw new VerifierUnavailableError(name, "the answer has no known status");
  }
}

export class HttpInvoiceVerifier implements InvoiceVerifier {
  readonly name: string;
  constructor(
    private readonly config: HttpVerifierConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.name = `invoice service ${new URL(config.url).host}`;
  }
  verify(invoice: VatInvoice): Promise<VerifierVerdict> {
    return askVerifier(this.name, this.config, { invoice }, this.env);
  }
}

export class HttpDeliveryVerifier implements DeliveryVerifier {
  readonly name: string;
  constructor(
    private readonly config: HttpVerifierConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.name = `logistics service ${new URL(config.url).host}`;
  }
  verify(delivery: DeliveryEvidence): Promise<VerifierVerdict> {
    return askVerifier(this.name, this.config, { delivery }, this.env);
  }
}
