import { isTransportName, type TransportName } from "@transport-lab/protocol";

/** Where `transport: "auto"` keeps what worked: the two methods of a `Storage` (sessionStorage fits). */
export interface ChoiceMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A remembered choice: which transport worked, and when (client wall clock, ms). */
export interface RememberedChoice {
  readonly transport: TransportName;
  readonly at: number;
}

/** The process's memory on Node (a process is its own "tab"); a browser has sessionStorage. */
const processMemory = new Map<string, string>();

/** A {@link ChoiceMemory} in a Map: what Node uses by default, and what tests pass to start clean. */
export function createMemoryChoiceMemory(map = new Map<string, string>()): ChoiceMemory {
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
  };
}

/** `sessionStorage` where the page may use it (it throws in some sandboxed frames), else the process's memory. */
export function defaultChoiceMemory(): ChoiceMemory {
  try {
    const storage = (globalThis as { sessionStorage?: ChoiceMemory }).sessionStorage;
    if (storage !== undefined) return storage;
  } catch {
    // Storage denied: fall through to memory.
  }
  return createMemoryChoiceMemory(processMemory);
}

/** The key of one server's choice: a link's path is part of `baseUrl`, so each link is remembered apart. */
export const choiceKey = (baseUrl: string): string => `transport-lab.auto ${baseUrl}`;

/** The choice remembered for `key` if it is younger than `maxAgeMs` and one of `order`; null otherwise. */
export function readChoice(
  memory: ChoiceMemory,
  key: string,
  now: number,
  maxAgeMs: number,
  order: readonly TransportName[],
): RememberedChoice | null {
  if (maxAgeMs === 0) return null;
  let parsed: Partial<RememberedChoice> | null;
  try {
    parsed = JSON.parse(memory.getItem(key) ?? "null") as Partial<RememberedChoice> | null;
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== "object" || typeof parsed.at !== "number") return null;
  const { transport, at } = parsed;
  if (typeof transport !== "string" || !isTransportName(transport) || !order.includes(transport)) return null;
  const age = now - at;
  return age >= 0 && age < maxAgeMs ? { transport, at } : null;
}

/** Remembers `choice`; a full or denied storage is not the client's problem, so errors are swallowed. */
export function writeChoice(memory: ChoiceMemory, key: string, choice: RememberedChoice): void {
  try {
    memory.setItem(key, JSON.stringify(choice));
  } catch {
    // Quota exceeded or storage denied: the next tab simply starts from the top of the order.
  }
}
