import { useCallback, useEffect, useState } from "react";
import { describeApiError, type ServerApi } from "../lib/server-api.ts";
import { hashWithoutTeacher, roleOf, type TeacherRole, teacherTokenFromHash } from "../lib/teacher-token.ts";

const KEY = "transport-lab.admin-token";
/** How often the role is asked again: a server restarted with a new generated token makes the saved one wrong. */
const RECHECK_MS = 15_000;

function readStored(): string {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

function store(token: string): void {
  try {
    if (token === "") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, token);
  } catch {
    // Private mode without storage: the token lives until the tab closes.
  }
}

/**
 * Takes a teacher link's `#teacher=<token>` once: saved where the token is kept, then removed
 * from the address bar (replaceState), so that a copied or projected link never carries it.
 */
function takeTokenFromLink(): string | null {
  const token = teacherTokenFromHash(window.location.hash);
  if (token === null) return null;
  store(token);
  const { pathname, search, hash } = window.location;
  window.history.replaceState(window.history.state, "", `${pathname}${search}${hashWithoutTeacher(hash)}`);
  return token;
}

/** The teacher's token (localStorage, never in a link) and what the server says it makes this page. */
export interface Teacher {
  readonly token: string;
  readonly setToken: (token: string) => void;
  readonly role: TeacherRole;
  /** True when the token came from a teacher link on this load. */
  readonly fromLink: boolean;
}

/** The page's teacher token and role, asked of `GET /api/admin` now, on every change and every 15 s. */
export function useTeacher(api: ServerApi): Teacher {
  const [initial] = useState(() => {
    const linked = takeTokenFromLink();
    return { token: linked ?? readStored(), fromLink: linked !== null };
  });
  const [token, setTokenState] = useState(initial.token);
  const [role, setRole] = useState<TeacherRole>({ kind: "checking" });
  const setToken = useCallback((next: string) => {
    store(next);
    setTokenState(next);
    setRole({ kind: "checking" });
  }, []);
  useEffect(() => {
    let stopped = false;
    const ask = async () => {
      try {
        const answer = await api.admin(token);
        if (!stopped) setRole(roleOf(answer, token));
      } catch (error) {
        if (!stopped) setRole({ kind: "unknown", detail: describeApiError(error) });
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), RECHECK_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, token]);
  return { token, setToken, role, fromLink: initial.fromLink };
}
