// Audits pages for accessibility in headless Chromium: axe-core (WCAG 2.0/2.1/2.2 A and AA)
// in light and dark colour schemes, at a wide window and at 320 px, where the page must also
// reflow without horizontal scrolling (WCAG 1.4.10) and not shift as it loads.
//
// Usage: node axe.mjs URL...   (CHROMIUM: the browser binary, default chromium)
// Prints one line per page and setting, then "axe: all passed"; exits 1 listing every
// serious or critical violation (rule, element, help) and every reflow or layout-shift failure.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { launch, WAIT, finish } from "./chromium.mjs";

const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error("usage: node axe.mjs URL...");
  process.exit(2);
}
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// Dark mode is where contrast mistakes hide (a colour tuned for light left unchanged), and
// 320 px is where WCAG's reflow criterion and most overlap problems show.
const settings = [
  { name: "light", colorScheme: "light", width: 1280, height: 900 },
  { name: "dark", colorScheme: "dark", width: 1280, height: 900 },
  { name: "light 320px", colorScheme: "light", width: 320, height: 640 },
  { name: "dark 320px", colorScheme: "dark", width: 320, height: 640 },
];

const browser = await launch();
const failures = [];
try {
  for (const setting of settings) {
    const context = await browser.newContext({
      colorScheme: setting.colorScheme,
      viewport: { width: setting.width, height: setting.height },
    });
    // Layout shifts are recorded from the first paint, before any script of ours runs.
    await context.addInitScript(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
      }).observe({ type: "layout-shift", buffered: true });
    });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    for (const url of urls) {
      const where = `${decodeURI(new URL(url).pathname)} (${setting.name})`;
      const response = await page.goto(url, { waitUntil: "load" });
      if (!response || !response.ok()) {
        failures.push(`${where}: HTTP ${response && response.status()}`);
        continue;
      }
      await page.evaluate(() => document.fonts.ready);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(() =>
        window.axe.run(document, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
          resultTypes: ["violations"],
        }),
      );
      const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      for (const v of serious) {
        for (const node of v.nodes) {
          failures.push(`${where}: ${v.id} (${v.impact}) at ${node.target.join(" ")}: ${v.help}\n    ${node.failureSummary.replace(/\n/g, "\n    ")}`);
        }
      }
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scroll > setting.width) {
        const wide = await page.evaluate((w) => {
          // Text sticking out past the window, named by its element, to say what to fix.
          const found = new Set();
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode() && found.size < 5) {
            const range = document.createRange();
            range.selectNodeContents(walker.currentNode);
            if (range.getBoundingClientRect().right > w + 0.5) {
              const e = walker.currentNode.parentElement;
              found.add(`${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).trim().split(/\s+/).join(".") : ""} "${walker.currentNode.textContent.trim().slice(0, 30)}"`);
            }
          }
          return [...found];
        }, setting.width);
        failures.push(`${where}: scrolls sideways (scrollWidth ${scroll} > ${setting.width}); too wide: ${wide.join(", ")}`);
      }
      const shift = await page.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0));
      if (shift > 0.01) failures.push(`${where}: layout shift ${shift.toFixed(3)} while loading`);
      console.log(`axe: ${where}: ${serious.length} serious/critical, ${result.violations.length} in all`);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
finish("axe", failures);
