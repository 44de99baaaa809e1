// What every browser script shares: how Chromium is started, how long any wait may take,
// and how a script reports its problems and exits.
import { chromium } from "playwright-core";

/** The bound on every wait, in milliseconds. */
export const WAIT = 30_000;

/** Headless Chromium: the binary from $CHROMIUM, flags that suit a container. */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", ...extraArgs],
    timeout: WAIT,
  });
}

/** Prints every problem and exits 1, or says all passed. */
export function finish(name, failures) {
  if (failures.length) {
    console.error(`${name}: ${failures.length} problem(s):\n${failures.join("\n")}`);
    process.exit(1);
  }
  console.log(`${name}: all passed`);
}
