/** What every page renders from: the ledger at one block, the members' names and the calendar. */
import type { Snapshot } from "../data.js";
import type { ChainFacts } from "../layout.js";
import type { Names } from "../names.js";
import type { Calendar } from "../time.js";

export interface RenderContext {
  snapshot: Snapshot;
  names: Names;
  calendar: Calendar;
}

export function chainFacts(snapshot: Snapshot): ChainFacts {
  return {
    ledger: snapshot.ledger,
    chainId: snapshot.chainId,
    blockNumber: snapshot.blockNumber,
    chainTime: snapshot.chainTime,
    sourceFindings: snapshot.sourceFindings.length,
  };
}
