import { describe, expect, it } from "vitest";
import { pageBase } from "./page-base.ts";

describe("pageBase", () => {
  it("is the link prefix up to the link's name when the page is under /link/<name>/", () => {
    expect(pageBase("/link/lan/")).toBe("/link/lan");
    expect(pageBase("/link/3g/index.html")).toBe("/link/3g");
    expect(pageBase("/link/ws-dropped")).toBe("/link/ws-dropped");
  });

  it("is empty at the root and for anything that is not a link name", () => {
    expect(pageBase("/")).toBe("");
    expect(pageBase("/index.html")).toBe("");
    expect(pageBase("/links/lan/")).toBe("");
    expect(pageBase("/link/")).toBe("");
    expect(pageBase("/link/Bad_Name/")).toBe("");
  });
});
