/**
 * A real JSON-RPC node for tests that run the services as separate processes: the embedded chain of
 * `npm start` (anvil) on a free port of 127.0.0.1, with its well-known development mnemonic.
 */
export { DEVELOPMENT_MNEMONIC as ANVIL_MNEMONIC, freePort, startAnvil } from "../../src/node/anvilNode.js";
export type { RunningAnvil } from "../../src/node/anvilNode.js";
