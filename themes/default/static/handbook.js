// Progressive enhancements for tables: sorting by column and filtering rows by
// an attribute. Without JavaScript the tables are complete and readable.
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    var text = (row.cells[index] && row.cells[index].textContent || "").trim();
    if (kind === "number") {
      var n = parseFloat(text);
      return isNaN(n) ? Infinity : n;
    }
    return text.toLowerCase();
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilter(select) {
    var table = document.getElementById(select.getAttribute("data-filter-table"));
    if (!table) return;
    var attr = "data-" + select.getAttribute("data-filter-attr");
    var wrapper = select.closest(".log-filter");
    var count = wrapper && wrapper.querySelector(".log-count");
    function apply() {
      var wanted = select.value, shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var visible = !wanted || row.getAttribute(attr) === wanted;
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) count.textContent = shown + " shown";
    }
    select.addEventListener("change", apply);
    if (wrapper) wrapper.hidden = false;
    apply();
  }

  // A table, code block or diagram wider than the page scrolls in its own box;
  // keyboard users scroll it once it can take focus.
  function markScrollable() {
    document.querySelectorAll("main table, main pre, main .diagram-light, main .diagram-dark").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) t.tabIndex = 0;
      else t.removeAttribute("tabindex");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    markScrollable();
    window.addEventListener("resize", markScrollable);
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("select[data-filter-table]").forEach(makeFilter);
  });
})();

// Navigation: the drawer on narrow screens, opening branches of the tree
// (from nav.json, fetched once when first needed), and "On this page"
// following the reader's place. Without JavaScript the tree follows the
// page and every branch is a link to its section.
(function () {
  "use strict";

  var tree = document.getElementById("site-tree");
  var data = null;

  function loadTree() {
    if (!data) {
      data = fetch(tree.getAttribute("data-nav")).then(function (r) {
        if (!r.ok) throw new Error("nav.json: " + r.status);
        return r.json();
      });
    }
    return data;
  }

  function entryList(entries, root) {
    var ul = document.createElement("ul");
    entries.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e[1];
      if (e[3]) {
        var number = document.createElement("span");
        number.className = "tree-number";
        number.textContent = e[3];
        a.appendChild(number);
        a.appendChild(document.createTextNode(" "));
      }
      a.appendChild(document.createTextNode(e[0]));
      li.appendChild(a);
      if (e[2] !== null) {
        li.className = "closed";
        li.setAttribute("data-folder", e[2]);
        addToggle(li);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function addToggle(li) {
    var link = li.querySelector("a");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tree-toggle";
    var open = li.classList.contains("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", (open ? "Hide" : "Show") + " the pages of " + link.textContent);
    link.after(button);
    button.addEventListener("click", function () {
      var expanded = button.getAttribute("aria-expanded") === "true";
      var list = li.querySelector(":scope > ul");
      button.setAttribute("aria-expanded", expanded ? "false" : "true");
      button.setAttribute("aria-label", (expanded ? "Show" : "Hide") + " the pages of " + link.textContent);
      if (list) { list.hidden = expanded; return; }
      if (expanded) return;
      var folder = li.getAttribute("data-folder");
      loadTree().then(function (all) {
        if (!li.querySelector(":scope > ul") && all[folder]) {
          li.appendChild(entryList(all[folder], tree.getAttribute("data-root")));
        }
      }).catch(function () {
        // The section's page lists the same entries.
        button.setAttribute("aria-expanded", "false");
      });
    });
  }

  function setUpDrawer() {
    var button = document.querySelector(".nav-toggle");
    if (!button || !tree) return;
    button.hidden = false;
    var body = document.body;
    function set(open) {
      body.classList.toggle("drawer-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var current = tree.querySelector("[aria-current]") || tree.querySelector("a");
        if (current) current.focus();
      }
    }
    button.addEventListener("click", function () { set(!body.classList.contains("drawer-open")); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && body.classList.contains("drawer-open")) { set(false); button.focus(); }
    });
    document.addEventListener("click", function (e) {
      if (body.classList.contains("drawer-open") && !tree.contains(e.target) && !button.contains(e.target)) set(false);
    });
  }

  function setUpToc() {
    var toc = document.querySelector(".page > .toc");
    if (!toc) return;
    var wide = window.matchMedia("(min-width: 75rem)");
    if (!wide.matches) toc.open = false;
    wide.addEventListener("change", function () { toc.open = true; });
    var links = Array.prototype.slice.call(toc.querySelectorAll("a[href^='#']"));
    var targets = links.map(function (a) {
      return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    if (!("IntersectionObserver" in window)) return;
    var visible = new Set();
    function mark() {
      var active = -1;
      targets.forEach(function (t, i) { if (t && visible.has(t) && active < 0) active = i; });
      if (active < 0) return;
      links.forEach(function (a, i) { a.classList.toggle("active", i === active); });
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) visible.add(e.target); else visible.delete(e.target); });
      mark();
    }, { rootMargin: "-64px 0px -60% 0px" });
    targets.forEach(function (t) { if (t) observer.observe(t); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (tree) {
      tree.querySelectorAll("li.open, li.closed").forEach(function (li) {
        if (li.classList.contains("open") && !li.querySelector(":scope > ul")) return;
        addToggle(li);
      });
    }
    setUpDrawer();
    setUpToc();
  });
})();

// Code blocks: the language as a label and a button that copies the code
// (what a 3 a.m. runbook step needs). Without JavaScript the code is there
// to select.
(function () {
  "use strict";
  var LANGS = { sh: "Shell", bash: "Shell", shell: "Shell", console: "Console", sql: "SQL", yaml: "YAML",
    yml: "YAML", toml: "TOML", json: "JSON", python: "Python", py: "Python", go: "Go", rust: "Rust",
    js: "JavaScript", javascript: "JavaScript", ts: "TypeScript", hcl: "HCL", terraform: "Terraform",
    promql: "PromQL", diff: "Diff", text: "Text" };

  function addTools(pre) {
    var code = pre.querySelector("code");
    if (!code) return;
    var bar = document.createElement("div");
    bar.className = "code-tools";
    var lang = pre.getAttribute("data-lang") || (code.className.match(/language-(\S+)/) || [])[1];
    if (lang) {
      var label = document.createElement("span");
      label.className = "code-lang";
      label.textContent = LANGS[lang.toLowerCase()] || lang;
      bar.appendChild(label);
    }
    if (navigator.clipboard && window.isSecureContext !== false) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy the code" + (lang ? " (" + (LANGS[lang.toLowerCase()] || lang) + ")" : ""));
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(code.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Select and copy"; });
      });
      bar.appendChild(button);
    }
    if (bar.childNodes.length) pre.before(bar);
    pre.parentNode.classList.add("has-code-tools");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("main pre.code").forEach(function (pre) {
      var wrap = pre.parentNode;
      if (!wrap.classList.contains("code-block")) {
        wrap = document.createElement("div");
        wrap.className = "code-block";
        pre.before(wrap);
        wrap.appendChild(pre);
      }
      addTools(pre);
    });
  });
})();
