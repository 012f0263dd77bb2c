import type { AdminState } from "./server-api.ts";

/** The teacher link's fragment: `#teacher=<token>` (a fragment never reaches the server's logs). */
const PARAM = "teacher";

/** The token a teacher link carries in its fragment, or null. */
export function teacherTokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get(PARAM)?.trim();
  return token === undefined || token === "" ? null : token;
}

/** The fragment without the token (other parts kept), `""` when nothing is left. */
export function hashWithoutTeacher(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  params.delete(PARAM);
  const rest = params.toString();
  return rest === "" ? "" : `#${rest}`;
}

/** Who this page is to the server, from `GET /api/admin`. */
export type TeacherRole =
  /** Not asked yet. */
  | { readonly kind: "checking" }
  /** The server needs no token: every page drives the generator. `assumed`: it did not say (no `/api/admin`). */
  | { readonly kind: "open"; readonly assumed: boolean }
  /** A token is needed and this page has the right one. */
  | { readonly kind: "teacher" }
  /** A token is needed and this page has none: a student's view. */
  | { readonly kind: "student" }
  /** A token is needed and the one saved here is not it (a typo, or the server restarted with a new one). */
  | { readonly kind: "wrong-token" }
  /** The server could not be asked. */
  | { readonly kind: "unknown"; readonly detail: string };

/** The role that `GET /api/admin`'s answer (null: 404) means for a page holding `token`. */
export function roleOf(answer: AdminState | null, token: string): TeacherRole {
  if (answer === null) return { kind: "open", assumed: true };
  if (!answer.tokenRequired) return { kind: "open", assumed: false };
  if (answer.authorized) return { kind: "teacher" };
  return token === "" ? { kind: "student" } : { kind: "wrong-token" };
}

/** Whether a role sees the teacher's controls (generator, disconnect). */
export function drivesClass(role: TeacherRole): boolean {
  return role.kind === "open" || role.kind === "teacher";
}
