/**
 * The oracle's HTTP JSON API (fastify): attestation requests for issues and transfers, the audit record of
 * a request, health, and the OpenAPI description generated from the request schemas. Every answer carries
 * a code; malformed input of any kind gets a 4xx and is kept for audit; the service never stops on input.
 */
import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import { verifyMessage } from "ethers";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Attestor, AttestationKind } from "../attestor.js";
import { ChainUnavailableError } from "../chainView.js";
import { canonicalJson } from "../keyedHash.js";
import { issuePackageSchema, transferPackageSchema } from "../package/schema.js";
import type { TradePackage } from "../package/types.js";
import { REQUESTER_SIGNATURE_HEADER } from "../protocol.js";
import type { OracleStore, RequestRecord } from "../store/oracleStore.js";
import { VerifierUnavailableError } from "../verifiers/verifier.js";
import { ServiceError, attestationResponseSchema, errorResponseSchema, type SchemaFailure } from "./responses.js";

/** Most characters of a rejected body kept in the audit record. */
const AUDIT_EXCERPT_CHARS = 65_536;
/** Most schema violations listed in one answer (the message still counts them all). */
export const MAX_REPORTED_VIOLATIONS = 100;

export interface OracleServerOptions {
  attestor: Attestor;
  store: OracleStore;
  bodyLimitBytes: number;
  /** Shown by /v1/health. */
  identity: { chainId: string; ledgerAddress: string; attestationLifetimeSeconds: number };
  logger?: boolean | object;
}

declare module "fastify" {
  interface FastifyRequest {
    requestId: string;
    rawBody?: string;
  }
}

export async function buildOracleServer(options: OracleServerOptions): Promise<FastifyInstance> {
  const { attestor, store } = options;
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    // Validate exactly what was sent: no type coercion, no silently dropped fields, every violation at once.
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false } },
    // A URL fastify cannot decode (bad percent-encoding) or too long a parameter is answered like any refusal,
    // with a code and a request id, and kept for audit; without this, fastify answers in its own format.
    frameworkErrors: (error, request, reply) => {
      request.requestId = request.id;
      reply.header("x-request-id", request.id);
      const serviceError =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? new ServiceError("REQUEST_NOT_FOUND", "No request with so long an id is on record.")
          : error.code === "FST_ERR_BAD_URL"
            ? new ServiceError("REQUEST_INVALID", "The URL is not valid: it has a malformed percent-encoding.")
            : new ServiceError("INTERNAL_ERROR", "The oracle failed unexpectedly; send the same package again (a retry gets the same answer).");
      const answer = reply as FastifyReply;
      void recordRejected(store, request, serviceError).then(() => answer.code(serviceError.statusCode).send(serviceError.body(request.id)));
    },
  });

  app.decorateRequest("requestId", "");
  app.addHook("onRequest", async (request, reply) => {
    request.requestId = request.id;
    reply.header("x-request-id", request.id);
  });

  // Only JSON is accepted; the raw text is kept so that even an unparsable body is on the audit record.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    request.rawBody = body as string;
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new ServiceError("BODY_NOT_JSON", `The body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Receivable e-voucher trade-background oracle",
        version: "1.0.0",
        description:
          "Checks the trade behind an issue or transfer (contract, VAT invoices, delivery, payment terms) and signs the EIP-712 " +
          "attestation the voucher ledger requires. Every refusal lists each failed check with its code. Requests must be signed " +
          `by the payer's account (EIP-191 over the canonical JSON of the body) in the ${REQUESTER_SIGNATURE_HEADER} header.`,
      },
    },
  });

  app.setNotFoundHandler(async (request, reply) => {
    const error = new ServiceError("ROUTE_NOT_FOUND", `No route ${request.method} ${request.url.slice(0, 200)}.`);
    await recordRejected(store, request, error);
    return reply.code(error.statusCode).send(error.body(request.requestId));
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const serviceError = toServiceError(error);
    if (serviceError.code === "INTERNAL_ERROR") request.log.error({ err: error }, "unexpected error");
    await recordRejected(store, request, serviceError);
    return reply.code(serviceError.statusCode).send(serviceError.body(request.requestId));
  });

  const attestationRoute = (kind: AttestationKind, schema: object, summary: string) =>
    app.post(
      `/v1/attestations/${kind}`,
      {
        schema: {
          summary,
          body: schema,
          headers: {
            type: "object",
            properties: { [REQUESTER_SIGNATURE_HEADER]: { type: "string", description: "EIP-191 signature of the canonical JSON body by the payer" } },
          },
          response: { 200: attestationResponseSchema, "4xx": errorResponseSchema, "5xx": errorResponseSchema },
        },
      },
      async (request, reply) => handleAttestation(kind, request, reply, attestor, store),
    );
  attestationRoute("issue", issuePackageSchema, "Attest the trade behind a new voucher");
  attestationRoute("transfer", transferPackageSchema, "Attest the trade behind a (split) transfer of a piece");

  app.get("/v1/requests/:id", { schema: { summary: "The audit record of a request: outcome and codes, not the documents" } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const record = /^[0-9a-f-]{36}$/.test(id) ? await store.requestById(id) : null;
    if (record === null) {
      const error = new ServiceError("REQUEST_NOT_FOUND", `No request ${id.slice(0, 64)} on record.`);
      return reply.code(error.statusCode).send(error.body(request.requestId));
    }
    return {
      id: record.id,
      receivedAt: record.receivedAt.toISOString(),
      route: record.route,
      requester: record.requester,
      httpStatus: record.httpStatus,
      outcome: record.outcome,
      errorCode: record.errorCode,
      failures: record.failures,
      packageHash: record.packageHash,
    };
  });

  app.get("/v1/health", { schema: { summary: "Liveness and identity of this oracle" } }, async () => ({
    status: "ok",
    signer: attestor.signerAddress,
    chainId: options.identity.chainId,
    ledgerAddress: options.identity.ledgerAddress,
    // Clients choose deadlines within this: a later one is refused (DEADLINE_TOO_FAR).
    attestationLifetimeSeconds: options.identity.attestationLifetimeSeconds,
    requests: await store.countRequests(),
  }));

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  return app;
}

async function handleAttestation(kind: AttestationKind, request: FastifyRequest, reply: FastifyReply, attestor: Attestor, store: OracleStore) {
  const tradePackage = request.body as TradePackage;
  const record = (fields: Pick<RequestRecord, "requester" | "httpStatus" | "outcome" | "errorCode" | "failures" | "packageHash" | "attestation">) =>
    store.recordRequest({ id: request.requestId, route: `/v1/attestations/${kind}`, body: JSON.stringify(tradePackage), ...fields });

  const requester = recoverRequester(request, tradePackage);
  const outcome = await attestor.attest(kind, tradePackage, requester, request.requestId);
  switch (outcome.kind) {
    case "attested":
      await record({ requester, httpStatus: 200, outcome: "attested", errorCode: null, failures: null, packageHash: outcome.packageHash, attestation: outcome.attestation });
      return { requestId: request.requestId, replayed: outcome.replayed, attestation: outcome.attestation };
    case "refused": {
      const error = new ServiceError(
        "TRADE_CHECKS_FAILED",
        `The trade background was not attested: ${outcome.failures.length} check(s) failed.`,
        outcome.failures,
      );
      await record({ requester, httpStatus: error.statusCode, outcome: "refused", errorCode: error.code, failures: outcome.failures, packageHash: outcome.packageHash, attestation: null });
      return reply.code(error.statusCode).send(error.body(request.requestId));
    }
    case "forbidden": {
      const error = new ServiceError(
        "REQUESTER_NOT_PAYER",
        `The request was signed by ${requester}, but the payer ${tradePackage.payerUscc} is ${outcome.payerAccount}; only the payer may ask.`,
      );
      await record({ requester, httpStatus: error.statusCode, outcome: "refused", errorCode: error.code, failures: null, packageHash: outcome.packageHash, attestation: null });
      return reply.code(error.statusCode).send(error.body(request.requestId));
    }
  }
}

/** The address that signed the canonical body (EIP-191); a missing or unusable signature is refused. */
function recoverRequester(request: FastifyRequest, body: unknown): string {
  const header = request.headers[REQUESTER_SIGNATURE_HEADER];
  if (typeof header !== "string" || header.length === 0) {
    throw new ServiceError("REQUESTER_SIGNATURE_MISSING", `The ${REQUESTER_SIGNATURE_HEADER} header is missing: sign the canonical JSON body with the payer's key.`);
  }
  try {
    return verifyMessage(canonicalJson(body), header);
  } catch {
    throw new ServiceError("REQUESTER_SIGNATURE_INVALID", `The ${REQUESTER_SIGNATURE_HEADER} header is not a valid signature (65 bytes, 0x-hex).`);
  }
}

function toServiceError(error: FastifyError): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof ChainUnavailableError) return new ServiceError("CHAIN_UNAVAILABLE", error.message);
  if (error instanceof VerifierUnavailableError) return new ServiceError("VERIFIER_UNAVAILABLE", error.message);
  if (error.validation) {
    // A small body can break the schema hundreds of thousands of times (e.g. 40,000 empty invoices):
    // report the first violations only, so that the answer and the audit record stay small.
    const failures: SchemaFailure[] = error.validation.slice(0, MAX_REPORTED_VIOLATIONS).map((violation) => ({
      code: "SCHEMA_VIOLATION",
      path: violationPath(violation.instancePath, violation.params as Record<string, unknown>),
      message: `${violation.instancePath || "body"} ${violation.message ?? "is invalid"}`,
    }));
    const count = error.validation.length;
    const listed = count > failures.length ? `; the first ${failures.length} are listed` : "";
    return new ServiceError("REQUEST_INVALID", `The request does not follow the schema: ${count} problem(s)${listed}.`, failures);
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ServiceError("BODY_TOO_LARGE", "The body is larger than this oracle accepts.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ServiceError("UNSUPPORTED_MEDIA_TYPE", "Send the package as application/json.");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ServiceError("BODY_NOT_JSON", "The body is empty; send the package as JSON.");
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    return new ServiceError("REQUEST_INVALID", `The request could not be read: ${error.message}`);
  }
  return new ServiceError("INTERNAL_ERROR", "The oracle failed unexpectedly; send the same package again (a retry gets the same answer). The request id identifies it in the oracle's log.");
}

function violationPath(instancePath: string, params: Record<string, unknown>): string {
  const child = params.missingProperty ?? params.additionalProperty;
  return typeof child === "string" ? `${instancePath}/${child.replaceAll("~", "~0").replaceAll("/", "~1")}` : instancePath;
}

function auditBody(request: FastifyRequest): string | null {
  // The text as received (at most the body limit), JSON-escaped so that any character, even NUL, can be stored.
  return request.rawBody === undefined ? null : JSON.stringify(request.rawBody.slice(0, AUDIT_EXCERPT_CHARS));
}

/** Every request to /v1/attestations/* refused before its handler is kept for audit, even one to a route that does not exist. */
async function recordRejected(store: OracleStore, request: FastifyRequest, serviceError: ServiceError) {
  if (!request.url.startsWith("/v1/attestations/")) return;
  await recordQuietly(store, request, {
    route: request.url.slice(0, 100),
    requester: null,
    httpStatus: serviceError.statusCode,
    outcome: "rejected",
    errorCode: serviceError.code,
    failures: serviceError.failures ?? null,
    body: auditBody(request),
    packageHash: null,
    attestation: null,
  });
}

/** Auditing must never turn a 4xx into a 5xx: a failed write is logged, the answer still goes out. */
async function recordQuietly(store: OracleStore, request: FastifyRequest, record: Omit<RequestRecord, "id">) {
  try {
    await store.recordRequest({ id: request.requestId, ...record });
  } catch (error) {
    request.log.error({ err: error }, "could not record the request");
  }
}
