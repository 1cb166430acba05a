import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// The compiler comes from the npm `solc` package (WASM): no download at build time.
const require = createRequire(import.meta.url);
const SOLC_PATH = require.resolve("solc/soljson.js");
const SOLC_VERSION: string = require("solc/package.json").version;

/**
 * EVM version per target network. GoQuorum and older Besu/FISCO BCOS nodes
 * cannot run PUSH0 (Shanghai) or MCOPY (Cancun), so they build with the `legacy-evm` profile:
 * `npx hardhat ignition deploy deploy/modules/VoucherLedger.ts --network quorum --build-profile legacy-evm`.
 * OpenZeppelin Contracts is pinned at 5.3.0: from 5.4 its EIP712/SignatureChecker import `Bytes`, which
 * uses MCOPY and cannot compile for Paris. scripts/check-networks.sh runs this build on anvil --hardfork paris.
 */
export const EVM_VERSION_BY_PROFILE = {
  default: "cancun",
  production: "cancun",
  "legacy-evm": "paris",
} as const;

function compilerProfile(evmVersion: string) {
  return {
    version: SOLC_VERSION,
    path: SOLC_PATH,
    settings: { optimizer: { enabled: true, runs: 1_000 }, viaIR: true, evmVersion },
  };
}

// Invariant and fuzz runs scale by test profile: HARDHAT_TEST_PROFILE=ci (set by .ci/run).
const INVARIANT_DEPTH = 24;

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  paths: { ignition: "deploy" },
  solidity: {
    profiles: {
      default: compilerProfile(EVM_VERSION_BY_PROFILE.default),
      production: compilerProfile(EVM_VERSION_BY_PROFILE.production),
      "legacy-evm": compilerProfile(EVM_VERSION_BY_PROFILE["legacy-evm"]),
    },
  },
  test: {
    solidity: {
      profiles: {
        default: {
          fuzz: { runs: 256, seed: "0x5eed" },
          invariant: { runs: 256, depth: INVARIANT_DEPTH, failOnRevert: false },
        },
        ci: {
          fuzz: { runs: 10_000, seed: "0x5eed" },
          invariant: { runs: 10_000, depth: INVARIANT_DEPTH, failOnRevert: false },
        },
      },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    anvil: { type: "http", chainType: "l1", url: "http://127.0.0.1:8546" },
    // anvil started with `--hardfork paris`: stands in for GoQuorum's EVM (no PUSH0) in scripts/check-networks.sh.
    anvilParis: { type: "http", chainType: "l1", url: "http://127.0.0.1:8547" },
    besu: {
      type: "http",
      chainType: "l1",
      url: configVariable("BESU_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    quorum: {
      type: "http",
      chainType: "l1",
      url: configVariable("QUORUM_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
      gasPrice: 0,
    },
    fisco: {
      type: "http",
      chainType: "l1",
      url: configVariable("FISCO_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
  },
});
