import { randomBytes } from "node:crypto";
import os from "node:os";

/** True when listening on `host` keeps the server on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A fresh teacher token: 24 random bytes, URL-safe (32 characters). */
export function newTeacherToken(): string {
  return randomBytes(24).toString("base64url");
}

/** An address as it appears in a URL (IPv6 in brackets). */
const urlHost = (address: string) => (address.includes(":") ? `[${address}]` : address);

/** The machine's addresses that other devices can reach (IPv4 only when listening on 0.0.0.0). */
export function lanAddresses(
  host: string,
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  if (host !== "0.0.0.0" && host !== "::") return isLoopbackHost(host) ? [] : [host];
  const out: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === "IPv4" || (host === "::" && !info.address.startsWith("fe80:")))
        out.push(info.address);
    }
  }
  return out;
}

/**
 * What the server prints once it listens: where to open it, and, when a teacher token was
 * generated, the teacher link that carries it (in the fragment, which browsers never send to a
 * server or put in a Referer), the links to give students, and what a page opened under any other
 * name needs (`ALLOWED_ORIGINS`).
 */
export function startupLines(opts: {
  host: string;
  port: number;
  /** The token generated at start, if one was. */
  generatedToken: string | undefined;
  lan: readonly string[];
  /** `ALLOWED_ORIGINS`. */
  allowedOrigins?: readonly string[];
}): string[] {
  const { host, port, generatedToken, lan, allowedOrigins = [] } = opts;
  const local = host === "0.0.0.0" || host === "::" ? "localhost" : urlHost(host);
  const lines = [`Transport Lab listening on http://${local}:${port} (host ${host})`];
  if (generatedToken !== undefined) {
    lines.push(
      "The generator and “Disconnect everyone” need the teacher token made for this run.",
      `Teacher link (open it on the teacher's screen only): http://${local}:${port}/#teacher=${generatedToken}`,
    );
  }
  if (!isLoopbackHost(host)) {
    // The Origin check admits the server's own names and addresses only (DNS rebinding).
    lines.push(
      "Pages opened under another name or address (port forwarding, a proxy, a DNS name) can read",
      "but not chat or open WebSockets (403 forbidden_origin) unless that origin is in ALLOWED_ORIGINS,",
      `e.g. ALLOWED_ORIGINS=http://school.example:8080${allowedOrigins.length ? ` (allowed now: ${allowedOrigins.join(", ")})` : ""}`,
    );
  }
  if (lan.length > 0) {
    lines.push("Student links:");
    for (const address of lan) lines.push(`  http://${urlHost(address)}:${port}/`);
  } else if (host === "0.0.0.0" || host === "::") {
    lines.push("Student links: none (this machine has no network address yet)");
  }
  return lines;
}
