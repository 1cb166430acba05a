/**
 * Oracle and SDK throughput on the embedded node, with the anchors measured in the same run:
 *
 *   signing        EIP-712 attestations signed per second by an oracle key (ethers Wallet), nothing else
 *   attestations   attestation requests per second through a running oracle over HTTP: schema, every
 *                  check (chain reads, invoice reservations in its PGlite database, verifiers), signing
 *   raw issue      issue() transactions per second with attestations signed in-process (no oracle)
 *   sdk issue      CoreEnterpriseClient.issue() per second: package to the oracle, attestation back,
 *                  checked, submitted, receipt decoded — the whole path a core enterprise takes
 *
 *   npm run bench:oracle            (BENCH_ORACLE_N=<count>, default 200)
 *
 * Writes bench/results/oracle.json. Sequential requests (one core enterprise, one oracle): these are
 * latency-bound rates of one client, not the capacity of a server under concurrent load.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import { CoreEnterpriseClient } from "../src/sdk/clients/index.js";
import { signIssueAttestation } from "../src/sdk/eip712.js";
import { canonicalJson } from "../src/oracle/keyedHash.js";
import { sampleTradeDocuments } from "../src/oracle/package/sampleDocuments.js";
import { fenToCny } from "../src/sdk/money.js";
import { DAY, deployConsortium, latestTimestamp } from "../test/fixtures/consortium.js";
import { startTestOracles } from "../test/fixtures/oracle.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_PATH = path.join(ROOT, "bench", "results", "oracle.json");
const N = Number(process.env.BENCH_ORACLE_N ?? 200);
const AMOUNT = 1_000_000n; // 10,000.00 CNY: N vouchers stay inside the issuer's credit line.

const { ethers } = await network.create();
const c = await deployConsortium(ethers);
const oracles = await startTestOracles(ethers, c, 1);
const oracleWallet = oracles.wallets[0];
const { coreA, supplierA } = c.actors;
const coreUscc = c.usccs.get(coreA.address)!;
const supplierUscc = c.usccs.get(supplierA.address)!;
const ledgerAddress = await c.contracts.ledger.getAddress();

async function timed(label: string, count: number, run: (index: number) => Promise<unknown>) {
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index++) await run(index);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = count / seconds;
  console.log(`${label.padEnd(14)} ${String(count).padStart(5)} in ${seconds.toFixed(2).padStart(6)} s  ${perSecond.toFixed(1).padStart(8)} /s  ${((seconds / count) * 1000).toFixed(2).padStart(7)} ms each`);
  return { count, seconds, perSecond };
}

async function knownDocuments(count: number) {
  const today = Number(await latestTimestamp(ethers));
  const all = Array.from({ length: count }, () => sampleTradeDocuments({ sellerUscc: supplierUscc, buyerUscc: coreUscc, total: AMOUNT, today }));
  for (const documents of all) await oracles.know(documents);
  return all;
}

console.log(`Oracle and SDK throughput, ${N} operations each, embedded Hardhat node, one oracle\n`);

// Signing alone.
const now = await latestTimestamp(ethers);
const signing = await timed("signing", N, (index) =>
  signIssueAttestation(oracleWallet, c.domain, {
    issuer: coreA.address,
    holder: supplierA.address,
    amount: AMOUNT,
    maturity: now + 90n * DAY,
    packageHash: ethersLib.id(`bench-package-${index}`),
    documentKeys: [ethersLib.id(`bench-invoice-${index}`)],
    deadline: now + DAY,
  }),
);

// Attestations through the oracle's HTTP API (never submitted: each package reserves its own invoice).
const attestDocuments = await knownDocuments(N);
const attestations = await timed("attestations", N, async (index) => {
  const body = canonicalJson({
    payerUscc: coreUscc,
    payeeUscc: supplierUscc,
    amount: fenToCny(AMOUNT),
    maturity: Number(now + 90n * DAY),
    deadline: Number(now + 1_800n),
    ...attestDocuments[index],
  });
  const response = await fetch(`${oracles.running[0].url}/v1/attestations/issue`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-evoucher-signature": await coreA.signMessage(body) },
    body,
  });
  if (response.status !== 200) throw new Error(`attestation ${index}: HTTP ${response.status} ${await response.text()}`);
});

// Raw issue: the anchor for the SDK path, on the same node.
const ledger = c.contracts.ledger.connect(coreA);
const rawIssue = await timed("raw issue", N, async (index) => {
  const request = {
    holder: supplierA.address,
    amount: AMOUNT,
    maturity: now + 90n * DAY,
    packageHash: ethersLib.id(`bench-raw-package-${index}`),
    documentKeys: [ethersLib.id(`bench-raw-invoice-${index}`)],
    deadline: now + DAY,
  };
  const signature = await signIssueAttestation(oracleWallet, c.domain, { issuer: coreA.address, ...request });
  await (await ledger.issue(request, [signature])).wait();
});

// The SDK path: oracle over HTTP + checks + submit.
const sdkDocuments = await knownDocuments(N);
const client = new CoreEnterpriseClient(coreA, ledgerAddress, oracles.clients);
const maturity = (await latestTimestamp(ethers)) + 90n * DAY;
const sdkIssue = await timed("sdk issue", N, (index) => client.issue({ payeeUscc: supplierUscc, amount: AMOUNT, maturity, documents: sdkDocuments[index] }));

const ratio = sdkIssue.perSecond / rawIssue.perSecond;
console.log(`\nsdk issue / raw issue = ${ratio.toFixed(3)} (the SDK path keeps ${(ratio * 100).toFixed(1)}% of the raw transaction rate)`);
console.log(`attestations / signing = ${(attestations.perSecond / signing.perSecond).toFixed(3)}`);

await oracles.close();
await mkdir(path.dirname(RESULTS_PATH), { recursive: true });
await writeFile(
  RESULTS_PATH,
  JSON.stringify({ operations: N, signing, attestations, rawIssue, sdkIssue, sdkToRawRatio: ratio, node: "embedded hardhat (EDR, automine)", oracles: 1 }, null, 2) + "\n",
);
console.log(`\nwritten ${path.relative(ROOT, RESULTS_PATH)}`);
