import { describe, expect, it } from "vitest";
import { pageBase, pageLink } from "./page-base.ts";

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

describe("pageLink", () => {
  it("is the link's name under /link/<name>/, empty elsewhere", () => {
    expect(pageLink("/link/4g/")).toBe("4g");
    expect(pageLink("/link/ws-dropped")).toBe("ws-dropped");
    expect(pageLink("/")).toBe("");
    expect(pageLink("/link/Bad_Name/")).toBe("");
  });
});
