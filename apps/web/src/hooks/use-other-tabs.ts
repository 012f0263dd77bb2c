import { useEffect, useState } from "react";

/**
 * How many other tabs of this app are open in this browser (BroadcastChannel
 * heartbeats). They share the browser's six HTTP/1.1 connections per server,
 * and each holds two of them (SSE and a long poll), so a third tab stalls.
 */
export function useOtherTabs(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (typeof BroadcastChannel !== "function") return;
    const channel = new BroadcastChannel("transport-lab-tabs");
    const me = Math.random().toString(36).slice(2);
    const seen = new Map<string, number>();
    const beat = () => channel.postMessage({ id: me, type: "beat" });
    channel.onmessage = (event: MessageEvent<{ id: string; type: "beat" | "bye" }>) => {
      if (event.data.type === "bye") seen.delete(event.data.id);
      else {
        if (!seen.has(event.data.id)) beat();
        seen.set(event.data.id, Date.now());
      }
      setCount(seen.size);
    };
    beat();
    const timer = setInterval(() => {
      beat();
      const cutoff = Date.now() - 5000;
      for (const [id, at] of seen) if (at < cutoff) seen.delete(id);
      setCount(seen.size);
    }, 2000);
    const bye = () => channel.postMessage({ id: me, type: "bye" });
    window.addEventListener("pagehide", bye);
    return () => {
      bye();
      window.removeEventListener("pagehide", bye);
      clearInterval(timer);
      channel.close();
    };
  }, []);
  return count;
}
