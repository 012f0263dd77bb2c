/** A live status line: rewritten in place on a terminal, printed at most every 2 s otherwise. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr) {
  let lastPrint = 0;
  let shown = false;
  return {
    update(line: string): void {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
        shown = true;
      } else if (performance.now() - lastPrint > 2000) {
        stream.write(`${line}\n`);
        lastPrint = performance.now();
      }
    },
    /** Ends the live line and prints a permanent one. */
    log(line: string): void {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
      stream.write(`${line}\n`);
    },
  };
}
