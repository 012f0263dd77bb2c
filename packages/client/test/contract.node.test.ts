import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { platform } from "../src/index.node.ts";
import { defineContractSuite } from "./contract-suite.ts";
import { defineSwitchSuite } from "./switch-suite.ts";

// Every transport on Node's default platform: `ws`, node:http, bytes measured on sockets.
defineContractSuite(TRANSPORT_NAMES.map((transport) => ({ name: `node ${transport}`, transport, platform })));
defineSwitchSuite();
