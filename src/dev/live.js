// briefing serve: live reload. Injected into HTML responses by the preview server only;
// never part of a built site. Listens on a WebSocket (one connection per tab, unlike
// Server-Sent Events, which browsers cap at six per host over HTTP/1.1).
(() => {
  "use strict";
  const script = document.currentScript;
  let generation = Number(script && script.dataset.generation);
  let overlay = null;
  let connectedBefore = false;
  let delay = 250;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + "/__briefing/live");
    socket.onopen = () => {
      delay = 250;
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case "hello":
          if (message.error) {
            showError(message.error);
          } else if (connectedBefore || message.generation !== generation) {
            // Built again while this page loaded, or the server restarted: reload.
            location.reload();
          }
          connectedBefore = true;
          break;
        case "reload":
          location.reload();
          break;
        case "css":
          swapStylesheets(message.generation);
          break;
        case "error":
          showError(message.error);
          break;
      }
    };
    socket.onclose = () => {
      // The server stopped or restarted: try again, more slowly each time.
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }

  // A change to CSS alone: take the stylesheet links of the freshly built page and swap
  // them in, removing each old one only once its replacement has loaded (no flash).
  async function swapStylesheets(next) {
    let fresh;
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (_) {
      location.reload();
      return;
    }
    const selector = 'link[rel~="stylesheet"]';
    const old = Array.from(document.querySelectorAll(selector));
    const added = Array.from(fresh.querySelectorAll(selector));
    for (const link of added) {
      const copy = document.createElement("link");
      for (const attribute of link.attributes) {
        copy.setAttribute(attribute.name, attribute.value);
      }
      if (old.some((o) => o.getAttribute("href") === copy.getAttribute("href"))) {
        // Same URL (no content hash in it): make the browser fetch it again.
        const url = new URL(copy.href, location.href);
        url.searchParams.set("briefing-reload", String(next));
        copy.setAttribute("href", url.pathname + url.search);
      }
      document.head.appendChild(copy);
      await new Promise((done) => {
        copy.onload = copy.onerror = done;
      });
    }
    old.forEach((link) => link.remove());
    generation = next;
  }

  function showError(error) {
    hideError();
    overlay = document.createElement("briefing-error-overlay");
    const root = overlay.attachShadow({ mode: "open" });
    root.innerHTML = `
      <style>
        :host { all: initial; }
        .panel { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
          background: rgba(20, 20, 24, 0.94); color: #f4f4f5; padding: 2rem;
          font: 15px/1.5 system-ui, "Noto Sans Bengali", sans-serif; }
        h2 { margin: 0 0 1rem; color: #fca5a5; font-size: 1.25rem; }
        pre { white-space: pre-wrap; font: 14px/1.5 ui-monospace, "Noto Sans Mono", monospace;
          background: #000; padding: 1rem; border-radius: 6px; border-left: 4px solid #ef4444; }
        p { color: #d4d4d8; }
        button { font: inherit; margin-top: 1rem; }
      </style>
      <div class="panel" role="alertdialog" aria-labelledby="briefing-error-title">
        <h2 id="briefing-error-title">Build failed</h2>
        <pre></pre>
        <p>The last good build is still being served. Fix the file and save: this page updates by itself.</p>
        <button type="button">Dismiss</button>
      </div>`;
    root.querySelector("pre").textContent = error.text;
    root.querySelector("button").onclick = hideError;
    document.documentElement.appendChild(overlay);
  }

  function hideError() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  connect();
})();
