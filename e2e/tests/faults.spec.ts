import { TRANSPORT_NAMES } from "@transport-lab/protocol";
import { expect, expectCaughtUp, figure, openLab, panel, stateOf, test } from "../support/lab-page.ts";
import { OwnServer } from "../support/own-server.ts";
import { serverDriver } from "../support/server-driver.ts";

// Faults a class sees: the teacher's "Disconnect everyone", a laptop going offline, the server
// restarting. Each time every transport must come back and resume from its cursor: the panels
// show exactly what was lost or repeated, and against a correct server that is nothing.

test('"Disconnect everyone" cuts every connection; all four recover and resume with no gap', async ({
  page,
  api,
  newChannel,
}) => {
  const ch = newChannel("cut");
  await openLab(page, { channel: ch });
  await api.generate(ch, 20, 40);
  // Quiet channel: the long poll is now held, so the cut reaches all three connected transports.
  await expect
    .poll(async () => (await api.head(ch)).subscribers, { timeout: 10_000 })
    .toEqual({
      ws: 1,
      sse: 1,
      longPoll: 1,
    });

  await page.getByRole("button", { name: "Disconnect everyone" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Cut / })).toHaveText(
    `Cut 3 connections on “${ch}”: each panel's event strip shows what happened to it.`,
  );
  // Messages published while they reconnect must reach them, in order, none lost.
  const head = await api.generate(ch, 60, 40);
  await expectCaughtUp(page, TRANSPORT_NAMES, head, head.seq);
  for (const t of ["ws", "sse"] as const) {
    const p = panel(page, t);
    await expect(stateOf(p), t).toHaveText("Open (reconnected)");
    await expect(figure(p, "Reconnects"), t).not.toHaveText("0");
  }
  // The long poll's cut may never reach the page: when a reused keep-alive connection closes
  // before any answer byte, Chromium sends an idempotent GET again by itself. Interval polling
  // holds no connection between polls. Both must simply be open and caught up (checked above).
  for (const t of ["longPoll", "poll"] as const) await expect(stateOf(panel(page, t)), t).toHaveText(/^Open/);
  // What happened stays on screen for a minute, in each panel's event strip: the streams dropped
  // and came back; interval polling had nothing to cut.
  for (const t of ["ws", "sse"] as const) {
    const strip = panel(page, t).locator(".event-strip");
    await expect(strip.locator(".mark-cut"), t).toHaveCount(1);
    await expect(strip.locator(".mark-drop"), t).toHaveCount(1);
    await expect(strip.locator(".mark-resume"), t).toHaveCount(1);
    // The words for the drop are the client's reason (a browser's EventSource reports only "error").
    await expect(strip.locator(".strip-caption"), t).toHaveText(
      /“Disconnect everyone” pressed · .* dropped \(.+\) · .* back, resumed from /,
    );
  }
  await expect(panel(page, "poll").locator(".strip-caption")).toContainText(
    "interval polling holds no connection between polls, so there was nothing to cut",
  );
  await page.waitForTimeout(3000);
  await expect(panel(page, "ws").locator(".event-strip .mark-drop"), "still shown seconds later").toHaveCount(
    1,
  );
});

test("going offline and back: every transport recovers and catches up", async ({
  page,
  context,
  api,
  newChannel,
}) => {
  const ch = newChannel("offline");
  await openLab(page, { channel: ch, poll: "500" });
  await api.generate(ch, 10, 40);

  await context.setOffline(true);
  // The next interval poll fails at once: the page says so instead of freezing.
  await expect(stateOf(panel(page, "poll"))).toHaveText(/^Reconnecting/, { timeout: 10_000 });
  await api.generate(ch, 30, 40);
  await context.setOffline(false);

  const head = await api.head(ch);
  await expectCaughtUp(page, TRANSPORT_NAMES, head, head.seq);
  for (const t of TRANSPORT_NAMES) await expect(stateOf(panel(page, t)), t).toHaveText(/^Open/);
  await expect(page.locator(".status-pill")).toHaveText("Live");
});

test("a server restart (new epoch) is shown as a reset in every panel, and delivery goes on", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const server = new OwnServer();
  try {
    await server.start();
    const own = serverDriver(server.url);
    const ch = "e2e-restart";
    await page.goto(`${server.url}/?channel=${ch}&poll=500`);
    for (const t of TRANSPORT_NAMES)
      await expect(stateOf(panel(page, t))).toHaveText("Open", { timeout: 15_000 });
    const before = await own.generate(ch, 10, 40);
    await expectCaughtUp(page, TRANSPORT_NAMES, before, before.seq);

    await server.stop();
    await expect(page.getByRole("alert").getByRole("heading")).toHaveText("Server unreachable", {
      timeout: 15_000,
    });
    await server.start();
    // The new process knows no channel until someone publishes or subscribes.
    await own.publish(ch, { after: "restart" });
    const after = await own.generate(ch, 5, 20);
    expect(after.epoch).not.toBe(before.epoch);

    for (const t of TRANSPORT_NAMES) {
      const p = panel(page, t);
      // Each client resumes with its old cursor; the server answers with a reset to the new epoch.
      await expect(p.locator("p.note.error"), t).toHaveText(
        /^Server reset \(new epoch: the server restarted\) at .*: continued after /,
        { timeout: 30_000 },
      );
      await expect(figure(p, "Reconnects").locator(".tag"), t).toHaveText("1 reset");
      await expect(figure(p, "Cursor"), t).toHaveText(`${after.epoch}:${after.seq}`, { timeout: 20_000 });
      await expect(figure(p, "Gaps / dup / reord"), t).toHaveText("0 / 0 / 0");
      // Everything of both epochs, nothing twice.
      await expect(figure(p, "Messages"), t).toHaveText(String(before.seq + after.seq));
    }
    await expect(page.getByRole("alert")).toHaveCount(0);
    await expect(page.locator(".status-pill")).toHaveText("Live");
  } finally {
    await page.close();
    await server.stop();
  }
});
