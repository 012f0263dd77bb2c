import type { Page } from "@playwright/test";
import { TRANSPORT_NAMES, type TransportName } from "@transport-lab/protocol";
import { expect, figure, LABELS, openLab, panel, test } from "../support/lab-page.ts";

/** Every chat column of a page as `#seq name: text` lines, one list per transport. */
async function chatColumns(page: Page): Promise<string[][]> {
  const columns: string[][] = [];
  for (const t of TRANSPORT_NAMES) {
    const list = page.getByRole("list", { name: `Chat as received over ${LABELS[t]}` });
    columns.push(
      await list.locator("li:has(.who)").evaluateAll((items) =>
        items.map((li) => {
          const who = li.querySelector(".who")?.textContent ?? "";
          const meta = li.querySelector(".meta")?.textContent ?? "";
          const text = [...li.childNodes]
            .filter((n) => n.nodeType === Node.TEXT_NODE)
            .map((n) => n.textContent)
            .join("");
          return `${meta.split(" ")[0]} ${who}: ${text}`;
        }),
      ),
    );
  }
  return columns;
}

/** Sends one chat line from `page` and waits for the server's acknowledgement; resolves with its seq. */
async function say(page: Page, text: string, via: TransportName): Promise<number> {
  const status = page.getByRole("status").filter({ hasText: /^Sent over / });
  // From the second send on the previous acknowledgement is still shown: wait for it to be replaced.
  const previous = (await status.allTextContents())[0];
  await page.getByLabel("Message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  if (previous !== undefined) await expect(status).not.toHaveText(previous);
  await expect(status).toHaveText(new RegExp(`^Sent over ${LABELS[via]} as #\\d+, acknowledged in `));
  await expect(page.getByLabel("Message")).toHaveValue("");
  return Number(/#(\d+)/.exec((await status.textContent()) ?? "")?.[1]);
}

test("chat between two browsers on different transports: same lines, same order, everywhere", async ({
  page,
  browser,
  newChannel,
}) => {
  const ch = newChannel("chat");
  // A second browser context is a second user: its own cookies, storage and connections.
  const other = await browser.newContext();
  try {
    const bob = await other.newPage();
    await openLab(page, { channel: ch, view: "chat", transport: "ws" });
    await page.getByLabel("Your name").fill("ada");
    await openLab(bob, { channel: ch, view: "chat", transport: "longPoll" });
    await bob.getByLabel("Your name").fill("bob");
    await expect(bob.getByLabel("Send over")).toHaveValue("longPoll");

    const expected: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const a = await say(page, `ping ${i} über ws ✓`, "ws");
      expected.push(`#${a} ada: ping ${i} über ws ✓`);
      const b = await say(bob, `pong ${i} by POST`, "longPoll");
      expected.push(`#${b} bob: pong ${i} by POST`);
    }
    // Each page shows the eight lines in seq order in every transport's column.
    for (const p of [page, bob])
      await expect
        .poll(() => chatColumns(p), { timeout: 15_000 })
        .toEqual(TRANSPORT_NAMES.map(() => expected));
    // The columns list lines as they arrived; that is seq order only if the server numbered them in sending order.
    const seqs = expected.map((line) => Number(/^#(\d+)/.exec(line)?.[1]));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  } finally {
    await other.close();
  }
});

test("switching transport in the single view loses nothing and repeats nothing", async ({
  page,
  api,
  newChannel,
}) => {
  const ch = newChannel("switch");
  await openLab(page, { channel: ch, view: "single", transport: "ws", poll: "300" }, ["ws"]);
  await api.generator(ch, 30);
  const rows = page.getByRole("table", { name: "Switches (latest last)" }).locator("tbody tr");
  const path: TransportName[] = ["sse", "longPoll", "poll", "ws", "poll", "sse"];
  for (const [i, to] of path.entries()) {
    await page.getByRole("button", { name: LABELS[to], exact: true }).click();
    await expect(page.getByRole("button", { name: LABELS[to], exact: true })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    // The switch is judged on the first message after it: the one after the last delivered.
    await expect(rows.nth(i).locator("td").last()).toHaveText("nothing lost, nothing repeated", {
      timeout: 15_000,
    });
  }
  await api.generator(ch, 0);
  const head = await api.head(ch);
  // The panel shows the transport in use (its own figures): caught up, nothing out of order.
  const current = panel(page, "sse");
  await expect(figure(current, "Cursor")).toHaveText(`${head.epoch}:${head.seq}`, { timeout: 20_000 });
  await expect(figure(current, "Gaps / dup / reord")).toHaveText("0 / 0 / 0");
  await expect(rows).toHaveCount(path.length);
  const verdict = page.getByRole("region", { name: "Nothing lost, nothing repeated?" });
  await expect(verdict).toContainText(
    `This page checked every seq it was handed since it connected: ${head.seq} messages, last #${head.seq}. Every seq was the previous one + 1.`,
  );
  await expect(figure(current, "Reconnects")).toHaveText("0");
});
