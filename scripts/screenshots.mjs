// Photographs a running briefing site for the README: docs/screenshots/{light,dark,mobile,
// bengali}.png, in headless Chromium (playwright-core from tests/browser/node_modules).
//
// Usage: node scripts/screenshots.mjs URL [OUT_DIR]   (CHROMIUM: the browser binary)
// scripts/screenshots.sh builds briefing, serves the bundled site and runs this.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The browser tests pin playwright-core; one install serves both.
import { launch, WAIT } from "../tests/browser/chromium.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");

const [url, outDir = join(repo, "docs/screenshots")] = process.argv.slice(2);
if (!url) {
  console.error("usage: node scripts/screenshots.mjs URL [OUT_DIR]");
  process.exit(2);
}
const seed = new URL("articles/" + encodeURIComponent("কিম-লাভরভ-বৈঠক") + "/", url).href;
const mapArticle = new URL("articles/korean-peninsula-at-a-glance/", url).href;

// A window, not the full page, keeps each PNG small and shows what a reader first sees.
const shots = [
  { file: "light.png", url, colorScheme: "light", width: 1280, height: 800 },
  { file: "dark.png", url, colorScheme: "dark", width: 1280, height: 800 },
  { file: "mobile.png", url: mapArticle, colorScheme: "light", width: 375, height: 812 },
  { file: "bengali.png", url: seed, colorScheme: "light", width: 1280, height: 800 },
];

mkdirSync(outDir, { recursive: true });
const browser = await launch(["--hide-scrollbars"]);
try {
  for (const shot of shots) {
    const page = await browser.newPage({
      colorScheme: shot.colorScheme,
      viewport: { width: shot.width, height: shot.height },
    });
    page.setDefaultTimeout(WAIT);
    const response = await page.goto(shot.url, { waitUntil: "load" });
    if (!response || !response.ok()) throw new Error(`${shot.url}: HTTP ${response && response.status()}`);
    await page.evaluate(() => document.fonts.ready);
    const path = join(outDir, shot.file);
    await page.screenshot({ path });
    console.log(`screenshots: ${path} (${shot.width}×${shot.height}, ${shot.colorScheme})`);
    await page.close();
  }
} finally {
  await browser.close();
}
