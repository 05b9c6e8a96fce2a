// Live preview (added by `handbook serve` only): reloads the page when the
// site was rebuilt, and shows the diagnostics of a failed rebuild over the
// last good page until the file is fixed. Text only, never HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  if (script && script.hasAttribute("data-uncommitted")) {
    document.addEventListener("DOMContentLoaded", function () {
      var badge = document.createElement("p");
      badge.className = "uncommitted-badge";
      badge.textContent = "Uncommitted changes: this page differs from the last commit.";
      badge.style.cssText = "display:inline-block;margin:.25rem 0;padding:.1rem .5rem;border-radius:.25rem;" +
        "background:#fef3c7;color:#78350f;font-size:.85rem";
      var header = document.querySelector(".page-header") || document.querySelector("main") || document.body;
      header.appendChild(badge);
    });
  }
  var source = new EventSource("/.handbook/events");
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live", "connected");
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("errors", function (event) { show(event.data); });

  function show(text) {
    var overlay = document.getElementById("handbook-overlay");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "handbook-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#f4f4f5;padding:2rem;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 1rem;font-weight:bold;color:#fca5a5";
      title.textContent = "The last change did not build. Showing the last good version underneath; fix the file and this goes away.";
      var pre = document.createElement("pre");
      // The page's own `pre` style (a light code background in light
      // mode) must not reach the overlay's text.
      pre.style.cssText = "margin:0;padding:0;border:0;border-radius:0;white-space:pre-wrap;" +
        "background:transparent;color:inherit;font:inherit";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
})();
