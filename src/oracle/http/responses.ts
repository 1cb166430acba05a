/**
 * Every answer of the oracle carries a machine-readable code. Success: `{ requestId, attestation }`.
 * Anything else: `{ requestId, error: { code, message, failures? } }`, where `failures` lists each failed
 * check or schema rule with its own code and the JSON pointer of the field.
 */
import type { CheckFailure } from "../checks/failures.js";

export const SERVICE_ERROR_CODES = {
  REQUEST_INVALID: 400,
  BODY_NOT_JSON: 400,
  REQUESTER_SIGNATURE_MISSING: 401,
  REQUESTER_SIGNATURE_INVALID: 401,
  REQUESTER_NOT_PAYER: 403,
  ROUTE_NOT_FOUND: 404,
  REQUEST_NOT_FOUND: 404,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TRADE_CHECKS_FAILED: 422,
  CHAIN_UNAVAILABLE: 503,
  VERIFIER_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ServiceErrorCode = keyof typeof SERVICE_ERROR_CODES;

/** One schema violation, shaped like a check failure so that a client handles both the same way. */
export interface SchemaFailure {
  code: "SCHEMA_VIOLATION";
  path: string;
  message: string;
}

export interface ErrorBody {
  requestId: string;
  error: { code: ServiceErrorCode; message: string; failures?: Array<CheckFailure | SchemaFailure> };
}

export class ServiceError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly failures?: Array<CheckFailure | SchemaFailure>,
  ) {
    super(message);
    this.statusCode = SERVICE_ERROR_CODES[code];
  }

  body(requestId: string): ErrorBody {
    return { requestId, error: { code: this.code, message: this.message, ...(this.failures ? { failures: this.failures } : {}) } };
  }
}

const failureSchema = {
  type: "object",
  required: ["code", "path", "message"],
  properties: { code: { type: "string" }, path: { type: "string" }, message: { type: "string" } },
} as const;

export const errorResponseSchema = {
  type: "object",
  required: ["requestId", "error"],
  properties: {
    requestId: { type: "string" },
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(SERVICE_ERROR_CODES) },
        message: { type: "string" },
        failures: { type: "array", items: failureSchema },
      },
    },
  },
} as const;

export const attestationResponseSchema = {
  type: "object",
  required: ["requestId", "attestation", "replayed"],
  properties: {
    requestId: { type: "string" },
    replayed: { type: "boolean", description: "True when this exact package was attested before and the same attestation is returned" },
    attestation: {
      type: "object",
      required: ["primaryType", "domain", "message", "signer", "signature"],
      properties: {
        primaryType: { type: "string", enum: ["IssueAttestation", "TransferAttestation"] },
        domain: {
          type: "object",
          properties: { name: { type: "string" }, version: { type: "string" }, chainId: { type: "string" }, verifyingContract: { type: "string" } },
        },
        message: { type: "object", additionalProperties: true, description: "The EIP-712 message; integers as decimal strings" },
        signer: { type: "string" },
        signature: { type: "string" },
      },
    },
  },
} as const;
