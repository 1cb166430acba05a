/**
 * Starts one oracle instance from its resolved config: database (migrated, optionally seeded), verifiers,
 * ledger connection (checks the chain id and that its key is an active oracle member), HTTP server.
 * Several instances with distinct keys give the ledger its k-of-n attestations.
 */
import { readFile } from "node:fs/promises";
import { JsonRpcProvider, type Provider } from "ethers";
import type { FastifyInstance } from "fastify";
import { ledgerDomain } from "../sdk/eip712.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { Attestor } from "./attestor.js";
import { ChainView } from "./chainView.js";
import { invoiceKeyOf } from "./checks/invoice.js";
import { databaseToOpen } from "../config/configFile.js";
import { type OracleConfig, OracleConfigError, openSigner } from "./config.js";
import { buildOracleServer } from "./http/server.js";
import type { DeliveryEvidence, VatInvoice } from "./package/types.js";
import { OracleStore } from "./store/oracleStore.js";
import { openSqlClient } from "../storage/sqlClient.js";
import { HttpDeliveryVerifier, HttpInvoiceVerifier } from "./verifiers/httpVerifiers.js";
import { StoreDeliveryVerifier, StoreInvoiceVerifier } from "./verifiers/storeVerifiers.js";

export interface RunningOracle {
  url: string;
  signer: string;
  store: OracleStore;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Documents the offline verifiers know (what the tax bureau's and carriers' feeds would deliver). */
export interface OracleSeed {
  invoices?: VatInvoice[];
  voidedInvoices?: VatInvoice[];
  deliveries?: DeliveryEvidence[];
}

export async function startOracle(config: OracleConfig, options: { provider?: Provider; logger?: boolean | object } = {}): Promise<RunningOracle> {
  // A provider the oracle made itself is its own to close; one passed in belongs to the caller.
  // cacheTimeout -1: ethers would answer "latest" from a 250 ms cache, an earlier block's time on a fast node.
  // batchStallTime 0: an attestation reads the chain in about five rounds, and ethers' default 10 ms wait
  // before each batch made up most of its time (75 ms instead of 22 ms, measured by bench/workload.ts).
  const ownProvider =
    options.provider === undefined ? new JsonRpcProvider(config.chain.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1, batchStallTime: 0 }) : undefined;
  const provider = options.provider ?? ownProvider!;
  const { chainId } = await provider.getNetwork();
  if (config.chain.chainId !== undefined && BigInt(config.chain.chainId) !== chainId) {
    throw new OracleConfigError([`/chain/chainId is ${config.chain.chainId} but the node at ${new URL(config.chain.rpcUrl).host} is chain ${chainId}`]);
  }
  const ledger = VoucherLedger__factory.connect(config.chain.ledgerAddress, provider);
  if ((await provider.getCode(config.chain.ledgerAddress)) === "0x") {
    throw new OracleConfigError([`/chain/ledgerAddress ${config.chain.ledgerAddress} has no contract on chain ${chainId}`]);
  }
  const chain = new ChainView(ledger, provider);
  const signer = await openSigner(config);
  if (!(await chain.isActiveOracle(signer.address))) {
    throw new OracleConfigError([`the signing key ${signer.address} is not an active oracle member of the ledger; the ledger would refuse its attestations`]);
  }

  const store = new OracleStore(await openSqlClient(databaseToOpen(config.database)));
  // A start that fails half-way (seed file, port in use) closes what it opened.
  let app: FastifyInstance | undefined;
  try {
    await store.migrate();
    if (config.seedFile !== undefined) await seedStore(store, await readSeedFile(config.seedFile));

    const attestor = new Attestor({
      store,
      chain,
      signer,
      domain: ledgerDomain(chainId, config.chain.ledgerAddress),
      documentKeySecret: config.documentKeySecret.reveal(),
      invoiceVerifier: config.verifiers.invoices.kind === "http" ? new HttpInvoiceVerifier(config.verifiers.invoices) : new StoreInvoiceVerifier(store),
      deliveryVerifier: config.verifiers.delivery.kind === "http" ? new HttpDeliveryVerifier(config.verifiers.delivery) : new StoreDeliveryVerifier(store),
      attestationLifetime: config.attestationLifetimeSeconds,
      utcOffsetSeconds: config.utcOffsetMinutes * 60,
    });
    app = await buildOracleServer({
      attestor,
      store,
      bodyLimitBytes: config.bodyLimitBytes,
      identity: { chainId: chainId.toString(), ledgerAddress: config.chain.ledgerAddress, attestationLifetimeSeconds: config.attestationLifetimeSeconds },
      logger: options.logger,
    });
    const url = await app.listen({ host: config.listen.host, port: config.listen.port });
    const server = app;
    return {
      url,
      signer: signer.address,
      store,
      app: server,
      async close() {
        // Requests under way get a few seconds; a connection a client still keeps open after that is closed.
        const force = setTimeout(() => server.server.closeAllConnections(), 3_000);
        await server.close();
        clearTimeout(force);
        await store.close();
        ownProvider?.destroy();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    ownProvider?.destroy();
    throw error;
  }
}

async function readSeedFile(path: string): Promise<OracleSeed> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as OracleSeed;
  } catch (error) {
    throw new OracleConfigError([`seed file ${path} could not be read as JSON: ${(error as Error).message}`]);
  }
}

/** Loads documents into the offline verifiers' records; an invoice with a malformed number is refused by name. */
export async function seedStore(store: OracleStore, seed: OracleSeed): Promise<void> {
  const put = async (invoice: VatInvoice, voided: boolean) => {
    const key = invoiceKeyOf(invoice);
    if (key === null) throw new OracleConfigError([`seed invoice ${JSON.stringify(invoice.number)} has a malformed number or code`]);
    await store.putKnownInvoice(key, invoice, voided);
  };
  for (const invoice of seed.invoices ?? []) await put(invoice, false);
  for (const invoice of seed.voidedInvoices ?? []) await put(invoice, true);
  for (const delivery of seed.deliveries ?? []) await store.putKnownDelivery(delivery.documentHash, delivery.kind, delivery.date);
}
