import { type FormEvent, useEffect, useId, useState } from "react";
import type { Teacher } from "../hooks/use-teacher.ts";
import type { TeacherRole } from "../lib/teacher-token.ts";

/** What the page says about its role, in a sentence. */
export function roleWords(role: TeacherRole): string {
  switch (role.kind) {
    case "checking":
      return "Asking the server whether it needs a teacher token…";
    case "open":
      return role.assumed
        ? "This server does not say whether it needs a teacher token (it has no /api/admin), so the teacher's controls are shown; if it needs one they will say so."
        : "This server needs no teacher token: every page can drive the generator and disconnect the class.";
    case "teacher":
      return "Teacher: this browser holds the server's token, so the generator and “Disconnect everyone” are yours.";
    case "student":
      return "Student view: the teacher drives the generator and the disconnect button. You can watch, chat, switch transports, record and export.";
    case "wrong-token":
      return "The token saved in this browser is wrong: the server refused it. A server that makes its own token makes a new one at every start; paste the one from the new teacher link.";
    case "unknown":
      return `Could not ask the server whether it needs a token: ${role.detail}`;
    default: {
      const never: never = role;
      return never;
    }
  }
}

/** The teacher's token: where to paste it, and what the server says of the one saved. */
export function TeacherBox({ teacher }: { readonly teacher: Teacher }) {
  const { token, setToken, role } = teacher;
  const [draft, setDraft] = useState("");
  const [said, setSaid] = useState<string | null>(null);
  const id = useId();
  useEffect(() => setDraft(""), [token]);
  const save = (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim();
    if (next === "") return;
    setToken(next);
    setSaid("Token saved in this browser; asking the server whether it is the right one…");
  };
  const wrong = role.kind === "wrong-token";
  return (
    <form onSubmit={save} className="field-row">
      <fieldset className={wrong ? "has-error" : undefined}>
        <legend>Teacher</legend>
        <p className={`note role-words ${wrong ? "error" : ""}`} role={wrong ? "alert" : "status"}>
          {roleWords(role)}
        </p>
        {role.kind !== "teacher" && !(role.kind === "open" && !role.assumed) && (
          <>
            <span className="field">
              <label htmlFor={id}>Teacher token</label>
              <input
                id={id}
                type="password"
                autoComplete="off"
                value={draft}
                aria-invalid={wrong}
                onChange={(e) => setDraft(e.target.value)}
                placeholder={token === "" ? "from the teacher link" : wrong ? "saved (wrong)" : "saved"}
              />
            </span>
            <button type="submit" disabled={draft.trim() === ""}>
              Save
            </button>
          </>
        )}
        {token !== "" && (
          <button
            type="button"
            onClick={() => {
              setToken("");
              setSaid("Token removed from this browser.");
            }}
          >
            Forget token
          </button>
        )}
        {said !== null && role.kind === "checking" && <span className="note">{said}</span>}
      </fieldset>
    </form>
  );
}
