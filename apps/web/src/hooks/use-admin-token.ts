import { useCallback, useState } from "react";

const KEY = "transport-lab.admin-token";

function read(): string {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

/**
 * The teacher's admin token, kept in this browser's localStorage and never
 * in the URL, so that a shared link cannot leak it.
 */
export function useAdminToken(): [string, (token: string) => void] {
  const [token, setToken] = useState(read);
  const save = useCallback((next: string) => {
    setToken(next);
    try {
      if (next === "") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // Private mode without storage: the token lives until the tab closes.
    }
  }, []);
  return [token, save];
}
