import type os from "node:os";
import { describe, expect, it } from "vitest";
import { isLoopbackHost, lanAddresses, newTeacherToken, startupLines } from "./startup-links.ts";

const nic = (address: string, family: "IPv4" | "IPv6", internal = false) =>
  ({ address, family, internal, netmask: "", mac: "", cidr: null }) as unknown as os.NetworkInterfaceInfo;
const interfaces = {
  lo: [nic("127.0.0.1", "IPv4", true), nic("::1", "IPv6", true)],
  wlan0: [nic("192.168.1.23", "IPv4"), nic("fe80::1", "IPv6"), nic("2001:db8::5", "IPv6")],
  eth0: [nic("10.0.0.7", "IPv4")],
};

describe("startup links", () => {
  it("loopback hosts keep the server private; everything else is reachable from the network", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.23"]) expect(isLoopbackHost(host)).toBe(false);
  });

  it("lists the addresses students can use", () => {
    expect(lanAddresses("0.0.0.0", interfaces)).toEqual(["192.168.1.23", "10.0.0.7"]);
    expect(lanAddresses("::", interfaces)).toEqual(["192.168.1.23", "2001:db8::5", "10.0.0.7"]);
    expect(lanAddresses("192.168.1.23", interfaces)).toEqual(["192.168.1.23"]);
    expect(lanAddresses("127.0.0.1", interfaces)).toEqual([]);
  });

  it("prints the teacher link with the token in the fragment, and one student link per address", () => {
    const token = newTeacherToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const lines = startupLines({
      host: "0.0.0.0",
      port: 3000,
      generatedToken: token,
      lan: ["192.168.1.23", "2001:db8::5"],
    });
    expect(lines[0]).toBe("Transport Lab listening on http://localhost:3000 (host 0.0.0.0)");
    expect(lines).toContain(
      `Teacher link (open it on the teacher's screen only): http://localhost:3000/#teacher=${token}`,
    );
    expect(lines.slice(-3)).toEqual([
      "Student links:",
      "  http://192.168.1.23:3000/",
      "  http://[2001:db8::5]:3000/",
    ]);
    // A given token is never printed; a server bound to one address links to it.
    const given = startupLines({
      host: "192.168.1.23",
      port: 80,
      generatedToken: undefined,
      lan: ["192.168.1.23"],
    });
    expect(given.join("\n")).not.toContain("#teacher=");
    expect(given[0]).toBe("Transport Lab listening on http://192.168.1.23:80 (host 192.168.1.23)");
  });

  it("beyond loopback, says that a page under another name needs ALLOWED_ORIGINS", () => {
    const hint = "unless that origin is in ALLOWED_ORIGINS";
    const lan = startupLines({
      host: "0.0.0.0",
      port: 3000,
      generatedToken: undefined,
      lan: ["192.168.1.23"],
    });
    expect(lan.join("\n")).toContain(hint);
    expect(lan.slice(-3)).toEqual([
      "e.g. ALLOWED_ORIGINS=http://school.example:8080",
      "Student links:",
      "  http://192.168.1.23:3000/",
    ]);
    const allowed = startupLines({
      host: "0.0.0.0",
      port: 3000,
      generatedToken: undefined,
      lan: [],
      allowedOrigins: ["http://a.example", "http://b.example:81"],
    });
    expect(allowed.at(-2)).toBe(
      "e.g. ALLOWED_ORIGINS=http://school.example:8080 (allowed now: http://a.example, http://b.example:81)",
    );
    const local = startupLines({ host: "127.0.0.1", port: 3000, generatedToken: undefined, lan: [] });
    expect(local.join("\n")).not.toContain(hint);
  });
});
