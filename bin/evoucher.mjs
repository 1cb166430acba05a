#!/usr/bin/env node
// The `evoucher` command: runs the TypeScript CLI (src/audit/cli.ts) through tsx, this package's loader.
// Needs Node >= 22.13 and the TypeChain types (`npm run build`); `npm run audit -- …` does both for you.
import { register } from "tsx/esm/api";

register();
await import("../src/audit/cli.ts");
