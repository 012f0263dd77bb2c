import { describe, expect, it } from "vitest";
import { drivesClass, hashWithoutTeacher, roleOf, teacherTokenFromHash } from "./teacher-token.ts";

describe("teacher link", () => {
  it("reads the token from #teacher= and strips only it", () => {
    expect(teacherTokenFromHash("#teacher=abc-123")).toBe("abc-123");
    expect(teacherTokenFromHash("#teacher=a%2Bb")).toBe("a+b");
    expect(teacherTokenFromHash("#teacher=")).toBeNull();
    expect(teacherTokenFromHash("")).toBeNull();
    expect(hashWithoutTeacher("#teacher=abc")).toBe("");
    expect(hashWithoutTeacher("#x=1&teacher=abc")).toBe("#x=1");
  });
});

describe("roleOf", () => {
  it("tells a wrong token from no token", () => {
    const needs = { tokenRequired: true, authorized: false };
    expect(roleOf(needs, "")).toEqual({ kind: "student" });
    expect(roleOf(needs, "typo")).toEqual({ kind: "wrong-token" });
    expect(roleOf({ tokenRequired: true, authorized: true }, "right")).toEqual({ kind: "teacher" });
    expect(roleOf({ tokenRequired: false, authorized: true }, "")).toEqual({ kind: "open", assumed: false });
  });

  it("assumes no token is needed only when the server has no /api/admin (404)", () => {
    expect(roleOf(null, "")).toEqual({ kind: "open", assumed: true });
  });

  it("shows the teacher's controls to the teacher and on an open server only", () => {
    expect(
      (["student", "wrong-token", "checking"] as const).map((kind) => drivesClass({ kind } as never)),
    ).toEqual([false, false, false]);
    expect(drivesClass({ kind: "teacher" })).toBe(true);
    expect(drivesClass({ kind: "open", assumed: true })).toBe(true);
    expect(drivesClass({ kind: "unknown", detail: "x" })).toBe(false);
  });
});
