import { expect, figure, openLab, test } from "../support/lab-page.ts";

// The compare view's optional fifth lane in a real browser: the same channel through the server's
// Socket.IO endpoint, with socket.io-client loaded only once the lane is turned on.

const sioPanel = (page: import("@playwright/test").Page) =>
  page.locator('section[aria-labelledby="panel-socketio"]');

test("the Socket.IO lane is off by default, loads its client only when turned on, and receives 1..N with no gap", async ({
  page,
  api,
  newChannel,
}) => {
  const ch = newChannel("sio-lane");
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await openLab(page, { channel: ch });
  await expect(sioPanel(page)).toHaveCount(0);
  const toggle = page.getByRole("button", { name: "vs Socket.IO" });
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
  // Nothing of Socket.IO yet: no Engine.IO request, and the scripts loaded so far are the page's own.
  expect(requests.filter((u) => u.includes("/socket.io/"))).toEqual([]);
  const scriptsBefore = requests.filter((u) => u.endsWith(".js"));

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  const p = sioPanel(page);
  await expect(p.locator("p.state-line strong")).toHaveText("Open", { timeout: 15_000 });
  // A script chunk of its own arrived with the lane, and Engine.IO's polling came after it.
  expect(requests.filter((u) => u.endsWith(".js")).length).toBeGreaterThan(scriptsBefore.length);
  expect(requests.some((u) => u.includes("/socket.io/?EIO=4&transport=polling"))).toBe(true);

  const N = 30;
  for (let i = 1; i <= N; i++) await api.publish(ch, { i });
  await expect(figure(p, "Messages")).toHaveText(String(N), { timeout: 15_000 });
  await expect(figure(p, "Seqs")).toHaveText(`1–${N}`);
  await expect(figure(p, "Gaps")).toHaveText("0");
  await expect(p.locator("ul.recent li").first()).toHaveText(`#${N}`);
  // Real figures: latency measured, requests counted, bytes per message computed from the framing.
  await expect(p.locator(".latency-row .value").first()).toHaveText(/\d/);
  await expect(figure(p, "HTTP requests")).toHaveText(/^[1-9]/);
  await expect(figure(p, "Bytes / msg")).toHaveText(/^\d+(\.\d+)? B$/);

  // The wire view shows what Socket.IO adds: the open packet, polling then the upgrade, 42[…] events.
  await p.getByText("Wire: what Socket.IO adds").click();
  const wire = p.getByRole("list", { name: "Socket.IO wire events, oldest first" });
  await expect(wire).toContainText("0 open (upgrades websocket, ping every 25 s)");
  await expect(wire).toContainText("GET websocket handshake (upgrade probe)");
  await expect(wire).toContainText("2probe ping");
  await expect(wire).toContainText("3probe pong");
  await expect(wire).toContainText("5 upgrade");
  await expect(wire).toContainText('42["message"');
  const rows = await wire.locator("li").allTextContents();
  const at = (text: string) => rows.findIndex((r) => r.includes(text));
  // In order: the open packet over polling, then the probe, then the switch.
  expect(at("0 open")).toBeLessThan(at("2probe ping"));
  expect(at("2probe ping")).toBeLessThan(at("3probe pong"));
  expect(at("3probe pong")).toBeLessThan(at("5 upgrade"));

  // Off again: the panel goes and its client with it.
  await toggle.click();
  await expect(p).toHaveCount(0);
});

test("a link with vs=socketio opens the comparison with the lane on", async ({ page, newChannel }) => {
  await openLab(page, { channel: newChannel("sio-link"), vs: "socketio" });
  await expect(page.getByRole("button", { name: "vs Socket.IO" })).toHaveAttribute("aria-pressed", "true");
  await expect(sioPanel(page).locator("p.state-line strong")).toHaveText("Open", { timeout: 15_000 });
});
