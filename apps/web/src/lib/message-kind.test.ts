import { describe, expect, it } from "vitest";
import { chatData, classifyMessage, isChatData, preview } from "./message-kind.ts";

describe("classifyMessage", () => {
  it("recognises a chat line this page sent", () => {
    expect(classifyMessage(chatData("  Ada ", " hello "))).toEqual({
      kind: "chat",
      name: "Ada",
      text: "hello",
    });
  });

  it("recognises a generator tick and its padding", () => {
    expect(classifyMessage({ tick: 42, pad: "xxxx" })).toEqual({ kind: "tick", tick: 42, padBytes: 4 });
  });

  it("previews anything else", () => {
    expect(classifyMessage("hello")).toEqual({ kind: "other", preview: "hello" });
    expect(classifyMessage({ chat: "not a chat" })).toEqual({
      kind: "other",
      preview: '{"chat":"not a chat"}',
    });
    expect(classifyMessage(null)).toEqual({ kind: "other", preview: "null" });
  });
});

describe("isChatData", () => {
  it("agrees with classifyMessage on what a chat line is", () => {
    const samples = [
      chatData("Ada", "hi"),
      { chat: { name: "", text: "" } },
      { chat: "not a chat" },
      { chat: { name: "Ada" } },
      { chat: null },
      { tick: 1, pad: "" },
      [{ chat: { name: "Ada", text: "hi" } }],
      "chat",
      null,
    ];
    expect(samples.map(isChatData)).toEqual([true, true, false, false, false, false, false, false, false]);
    for (const data of samples) expect(isChatData(data)).toBe(classifyMessage(data).kind === "chat");
  });
});

describe("chatData", () => {
  it("caps the name and the text", () => {
    const data = chatData("n".repeat(100), "t".repeat(1000)) as { chat: { name: string; text: string } };
    expect(data.chat.name.length).toBe(32);
    expect(data.chat.text.length).toBe(500);
  });
});

describe("preview", () => {
  it("cuts long values with an ellipsis", () => {
    expect(preview("a".repeat(100), 10)).toBe(`${"a".repeat(9)}…`);
  });
});
