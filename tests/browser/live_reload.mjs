// Drives headless Chromium against a running `briefing serve` (started by tests/browser.rs):
// an edit shows without a manual reload, a broken file shows the error overlay, the fix
// removes it, a CSS change swaps the stylesheet in place, and search finds the seed
// article by a Bengali word. Every wait is bounded; none is a sleep.
//
// Usage: node live_reload.mjs URL ROOT   (CHROMIUM: the browser binary, default chromium)
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch, WAIT } from "./chromium.mjs";

const [url, root] = process.argv.slice(2);
const seedPath = join(root, "content/articles/কিম-লাভরভ-বৈঠক.md");
const seedUrl = new URL("articles/" + encodeURIComponent("কিম-লাভরভ-বৈঠক") + "/", url).href;

function step(name) {
  console.log(`browser: ${name}`);
}

const statusUrl = new URL("/__briefing/status", url).href;
async function status() {
  return (await fetch(statusUrl)).json();
}

// Polls the server's status until `done(status)` holds, within WAIT.
async function until(what, done) {
  const deadline = Date.now() + WAIT;
  while (Date.now() < deadline) {
    if (done(await status())) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting (${WAIT} ms): ${what}`);
}

// An edit made next must not race the page's WebSocket connection.
const listeners = (n) => until(`${n} live-reload listener(s)`, (s) => s.listeners >= n);

const browser = await launch();
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(WAIT);
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  step("open the seed article");
  await page.goto(seedUrl);
  const original = readFileSync(seedPath, "utf8");
  const title = (await page.textContent("h1")).trim();
  await listeners(1);

  step("change its title on disk; the page shows it without a manual reload");
  const retitled = "লাইভ রিলোড পরীক্ষা: " + title;
  writeFileSync(seedPath, original.replace(/^title: .*$/m, `title: "${retitled}"`));
  await page.waitForFunction(
    (t) => document.querySelector("h1")?.textContent.trim() === t,
    retitled,
  );
  await listeners(1);

  step("break its front matter; the overlay shows the diagnostic");
  writeFileSync(seedPath, original.replace(/^date: .*$/m, "date: [unclosed"));
  const overlay = page.locator("briefing-error-overlay pre");
  await overlay.waitFor({ state: "visible" });
  const text = await overlay.textContent();
  if (!/content\/articles\/কিম-লাভরভ-বৈঠক\.md:\d+:\d+: error: /.test(text)) {
    throw new Error(`overlay lacks the file:line:column diagnostic:\n${text}`);
  }

  step("fix it; the overlay goes and the page reloads");
  writeFileSync(seedPath, original);
  await page.locator("briefing-error-overlay").waitFor({ state: "detached" });
  await page.waitForFunction(
    (t) => document.querySelector("h1")?.textContent.trim() === t,
    title,
  );
  await listeners(1);

  step("change the stylesheet alone; it is swapped without a reload");
  await page.evaluate(() => {
    window.__notReloaded = true;
  });
  const css = await (await fetch(new URL("style.css", url))).text();
  // The folder first, and its rebuild done: a file made in a folder that is not watched
  // yet is built but not reported, and then the server cannot tell that only CSS changed.
  const builds = (await status()).builds;
  mkdirSync(join(root, "static"), { recursive: true });
  await until("the rebuild for the new static/ folder", (s) => s.builds > builds);
  writeFileSync(
    join(root, "static/style.css"),
    css + "\nbody { outline: 7px solid rgb(1, 2, 3); }\n",
  );
  await page.waitForFunction(() => getComputedStyle(document.body).outlineWidth === "7px");
  if (!(await page.evaluate(() => window.__notReloaded === true))) {
    throw new Error("the page reloaded for a CSS-only change");
  }

  step("search for a Bengali word and find the seed article");
  await page.goto(new URL("search/", url).href);
  await page.fill("#q", "লাভরভ");
  const hit = page.locator("#search-results a", { hasText: title });
  await hit.first().waitFor({ state: "visible" });

  if (errors.length) {
    throw new Error(`JavaScript errors on the page:\n${errors.join("\n")}`);
  }
  step("all passed");
} finally {
  await browser.close();
}
