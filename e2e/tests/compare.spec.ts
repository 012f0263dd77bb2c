import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import {
  expect,
  expectCaughtUp,
  figure,
  LABELS,
  openLab,
  panel,
  stateOf,
  test,
} from "../support/lab-page.ts";

// The compare view in a real browser: four clients of one channel, one per transport, as a
// student sees them. Every expectation reads the page, never the client's internals.

test("the compare view shows all four transports live, each delivering every message in order", async ({
  page,
  api,
  newChannel,
}) => {
  const ch = newChannel("compare");
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400 && r.url().includes("/api/channels/")) failed.push(`${r.status()} ${r.url()}`);
  });
  // Rate and payload come from the link; the generator is driven from the page's own controls.
  await openLab(page, { channel: ch, rate: "40", payload: "100" });
  await expect(page.getByText("Now: stopped")).toBeVisible();
  for (const t of TRANSPORT_NAMES) {
    await expect(panel(page, t).getByRole("heading", { level: 2 })).toHaveText(LABELS[t]);
    await expect(stateOf(panel(page, t))).toHaveText("Open");
  }
  await page.getByRole("button", { name: "Start generator" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Generator running" })).toHaveText(
    "Generator running: 40 msg/s of about 100 B.",
  );
  await expect(page.getByText("Now: running, 40 msg/s of about 100 B")).toBeVisible();
  await expect.poll(async () => (await api.head(ch)).seq, { timeout: 15_000 }).toBeGreaterThanOrEqual(60);
  // Stopped elsewhere (another page, an idle stop, a server restart): the page must not keep
  // saying "Generator running" next to "Now: stopped".
  await api.generator(ch, 0);
  await expect(page.getByText("Now: stopped")).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole("status").filter({ hasText: "Generator running" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Stop", exact: true })).toBeDisabled();

  const head = await api.head(ch);
  // The page connected at the head of a fresh channel: every panel must hold all of it, in order.
  await expectCaughtUp(page, TRANSPORT_NAMES, head, head.seq);
  for (const t of TRANSPORT_NAMES) {
    const p = panel(page, t);
    await expect(figure(p, "Reconnects")).toHaveText("0");
    // Live figures, not placeholders: a measured latency and a clock uncertainty.
    // (Below the clock's uncertainty a latency reads "< ±x ms", never a negative number.)
    await expect(p.locator(".latency-row .value").first()).toHaveText(/^(< ±)?\d[\d.]* m?s$/);
    await expect(figure(p, "Clock ±")).toHaveText(/^±\d/);
    // The newest line is the last seq, as this transport delivered it.
    await expect(p.locator("ul.recent li").first()).toHaveText(new RegExp(`^#${head.seq} .* tick \\d+ `));
  }
  // A fresh channel's generator is "stopped", not "unknown", and finding that out cost no 404.
  expect(failed).toEqual([]);
});

test("bad settings in the link are named in a banner, and the page still works with the defaults", async ({
  page,
  newChannel,
}) => {
  const ch = newChannel("bad-link");
  await page.goto(`/?channel=${ch}&view=nope&poll=fast&timeout=5&paused=ws,carrier-pigeon&colour=red`);
  const banner = page.getByRole("alert");
  await expect(banner.getByRole("heading")).toHaveText("Some settings in this link could not be used");
  const items = banner.getByRole("listitem");
  await expect(items).toHaveText([
    'view=nope must be one of compare, single, wire, chat, learn, class, lesson, runs; using "compare"',
    "poll=fast must be a whole number; using 1000",
    "timeout=5 must be from 500 to 60000; using 25000",
    "paused=carrier-pigeon is not a transport (ws, sse, longPoll, poll, socketio); ignored",
    "colour=red is not a setting of this app; ignored",
  ]);
  // What could be used was used: the compare view, with WebSocket paused as asked.
  await expect(stateOf(panel(page, "ws"))).toHaveText("Paused");
  for (const t of ["sse", "longPoll", "poll"] as const)
    await expect(stateOf(panel(page, t))).toHaveText("Open", { timeout: 15_000 });

  await banner.getByRole("button", { name: "Fix the link and dismiss" }).click();
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(new URL(page.url()).search).toBe(`?channel=${ch}&paused=ws`);

  // A form value out of bounds is not clamped silently either: the field says what it used.
  const rate = page.getByLabel("Rate (msg/s)");
  for (const [typed, used, note] of [
    ["-5", "0", "-5 is below 0: using 0"],
    ["10000", "5000", "10000 is above 5000: using 5000"],
    ["2.5", "3", "2.5 is not a whole number: using 3"],
  ] as const) {
    await rate.fill(typed);
    await rate.press("Enter");
    await expect(rate).toHaveValue(used);
    await expect(page.locator(".field-note")).toHaveText(note);
  }
  await expect(page).toHaveURL(/rate=3(&|$)/);

  // A channel name the server would refuse is named too, not a blank page.
  await page.goto("/?channel=Not_A_Channel");
  await expect(page.getByRole("alert").getByRole("listitem")).toHaveText(
    'channel=Not_A_Channel a channel name is 1–64 lowercase letters, digits or dashes, not starting with a dash; using "chat"',
  );
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Transport Lab · chat");
});
