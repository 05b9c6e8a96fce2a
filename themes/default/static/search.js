// Search client for the sharded static index built by `handbook` (see
// ARCHITECTURE.md, "Search index"). No dependencies, no external requests:
// it fetches the manifest, the shards of the query's words, filter lists when a
// filter is used, and the metadata chunks of the results it shows. Every string
// from the index is inserted as text, never as HTML.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch || !window.URL) return;
  var indexUrl = new URL(form.getAttribute("data-index"), location.href);
  var siteRoot = new URL(form.getAttribute("data-root"), location.href);
  var cache = {};
  var manifest = null;
  // Kinds as readers name them.
  var KINDS = { page: "Page", adr: "ADR", runbook: "Runbook", aar: "After-action review",
    retro: "Retro", charter: "Charter", channels: "Channel guide", person: "Person" };

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, indexUrl)).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }
  function loadManifest() {
    return get("manifest.json").then(function (m) { manifest = m; return m; });
  }

  // Terms as the index makes them (src/search/words.rs has the rule; a test
  // compares the two on text in many scripts): words of letters, marks,
  // digits and `_` joined by one ' ’ or .; scripts written without spaces cut
  // into overlapping pairs of characters; lowercase, ’ as ', ς as σ.
  var WORD = "\\p{Alphabetic}\\p{M}\\p{N}\\p{Pc}";
  var UNSPACED = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Bopomofo}" +
    "\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}";
  // One unspaced character with the marks and neutral modifier letters (ー) after it.
  var UNIT = "[" + UNSPACED + "](?:\\p{M}|(?=[\\p{Script=Common}\\p{Script=Inherited}])\\p{Lm})*";
  var SPACED = "(?:(?![" + UNSPACED + "])[" + WORD + "])+";
  var TERMS = new RegExp("((?:" + UNIT + ")+)|(" + SPACED + "(?:['’.]" + SPACED + ")*)", "gu");
  var UNITS = new RegExp(UNIT, "gu");
  function fold(w) { return w.toLowerCase().replace(/’/g, "'").replace(/ς/g, "σ"); }
  function words(q) {
    var out = [], m;
    q = q.normalize("NFC");
    TERMS.lastIndex = 0;
    while ((m = TERMS.exec(q))) {
      if (m[2]) { out.push(fold(m[2])); continue; }
      var units = m[1].match(UNITS);
      if (units.length === 1) out.push(fold(units[0]));
      for (var i = 0; i + 1 < units.length; i++) out.push(fold(units[i] + units[i + 1]));
    }
    return out;
  }
  // For tests and other scripts: the client's word rule.
  window.handbookSearchWords = words;

  // The shard that holds `word` (the last whose first term is not after it)
  // and, while the word is being typed, the following shards that hold its
  // completions.
  function shardsFor(word, prefix) {
    var keys = manifest.shards, lo = 0, hi = keys.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (keys[mid] <= word) lo = mid; else hi = mid - 1;
    }
    var out = [lo];
    for (var j = lo + 1; prefix && j < keys.length && keys[j].indexOf(word) === 0 && out.length < 6; j++) out.push(j);
    return out;
  }

  // doc -> [score, section bits] for one word (and its completions).
  function lookup(word, prefix) {
    return Promise.all(shardsFor(word, prefix).map(function (i) { return get("s/" + i + ".json"); }))
      .then(function (shards) {
        var hits = new Map();
        shards.forEach(function (shard) {
          var keys = prefix
            ? Object.keys(shard).filter(function (k) { return k.indexOf(word) === 0; }).slice(0, 40)
            : (word in shard ? [word] : []);
          keys.forEach(function (k) {
            var e = shard[k];
            if (typeof e === "string") e = shard[e];
            if (!e) return;
            var list = e[1], doc = 0, weight = k === word ? 1 : 0.6;
            for (var j = 0; j < list.length; j += 3) {
              doc += list[j];
              var s = list[j + 1] * weight, h = hits.get(doc);
              if (!h) hits.set(doc, [s, list[j + 2]]);
              else { h[0] = Math.max(h[0], s); h[1] |= list[j + 2]; }
            }
          });
        });
        return hits;
      });
  }

  function facetDocs(name, value) {
    var values = manifest.facets[name] || [], i = values.indexOf(value);
    if (i < 0) return Promise.resolve(new Set());
    return get("f/" + name + "/" + i + ".json").then(function (deltas) {
      var set = new Set(), doc = 0;
      deltas.forEach(function (d) { doc += d; set.add(doc); });
      return set;
    });
  }

  // Spelling (src/search/spelling.rs writes the files): a word that matches
  // nothing is corrected to the word of the index nearest to it — Damerau
  // distance 1 for 4–7 letters, 2 for longer words, more pages first on a tie.
  // Only then are the few small files of the words it could become fetched,
  // by first letter (or second, for a swap of the first two) and length.
  // Each file lists ["word", pages, …].
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var rows = [[]], i, j;
    for (j = 0; j <= b.length; j++) rows[0][j] = j;
    for (i = 1; i <= a.length; i++) {
      var row = rows[i] = [i], least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var d = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
        row[j] = d;
        if (d < least) least = d;
      }
      if (least > max) return max + 1;
    }
    return rows[a.length][b.length];
  }
  function correct(word) {
    var cs = Array.from(word), n = cs.length;
    if (n < 4 || /[\p{N}_]/u.test(word)) return Promise.resolve(null);
    var max = n >= 8 ? 2 : 1;
    return get("v/index.json").then(function (starts) {
      // File i holds the words from starts[i] (a first letter's code point
      // and a length) up to starts[i + 1]: fetch those that hold the first
      // (or second) letter at lengths n ± max.
      var files = [], key = function (k) { return k[0] * 64 + Math.min(k[1], 63); };
      [cs[0], cs[1]].forEach(function (first, k) {
        if (k && first === cs[0]) return;
        var c = first.codePointAt(0), lo = key([c, n - max]), hi = key([c, n + max]);
        starts.forEach(function (start, i) {
          var next = i + 1 < starts.length ? key(starts[i + 1]) : Infinity;
          var name = "v/" + i + ".json";
          if (key(start) <= hi && next >= lo && files.indexOf(name) < 0) files.push(name);
        });
      });
      return Promise.all(files.map(get));
    }).then(function (lists) {
      var best = null;
      lists.forEach(function (list) {
        for (var i = 0; i < list.length; i += 2) {
          var d = distance(cs, Array.from(list[i]), max);
          if (d === 0 || d > max) continue;
          if (!best || d < best.d || (d === best.d && list[i + 1] > best.pages)) best = { word: list[i], d: d, pages: list[i + 1] };
        }
      });
      return best && best.word;
    }).catch(function () { return null; });
  }

  // A query's words, and its phrases ("…" or “…”) as lists of word positions.
  function parse(query) {
    var ws = [], phrases = [];
    var parts = query.split(/["“”]/);
    parts.forEach(function (part, k) {
      var found = words(part), closed = k < parts.length - 1;
      if (k % 2 && closed && found.length > 1) phrases.push(found.map(function (_, i) { return ws.length + i; }));
      ws = ws.concat(found);
    });
    return { words: ws, phrases: phrases };
  }

  // Looks every word up; a word that matches nothing is corrected (unless
  // `verbatim`) and looked up again. -> {words, hits, corrected: [[from, to]]}
  function lookupAll(ws, typing, verbatim) {
    var prefix = function (i) { return typing && i === ws.length - 1; };
    return Promise.all(ws.map(function (w, i) { return lookup(w, prefix(i)); })).then(function (hits) {
      var missing = verbatim ? [] : ws.map(function (_, i) { return i; }).filter(function (i) { return !hits[i].size; });
      if (!missing.length) return { words: ws, hits: hits, corrected: [] };
      return Promise.all(missing.map(function (i) { return correct(ws[i]); })).then(function (fixes) {
        var fixed = ws.slice(), corrected = [];
        missing.forEach(function (i, k) {
          if (fixes[k]) { corrected.push([ws[i], fixes[k]]); fixed[i] = fixes[k]; }
        });
        return Promise.all(fixed.map(function (w, i) {
          return w === ws[i] ? hits[i] : lookup(w, false);
        })).then(function (again) { return { words: fixed, hits: again, corrected: corrected }; });
      });
    });
  }

  // A document's row of metadata (from its chunk).
  function row(doc) {
    return get("c/" + Math.floor(doc / manifest.chunk) + ".json").then(function (chunk) {
      var r = chunk[doc % manifest.chunk];
      return { url: r[0], title: r[1], kind: r[2], date: r[3], sections: r[4] };
    });
  }

  // Whether a page's text holds every phrase, word after word. The index
  // keeps no word positions, so the few candidate pages are read themselves.
  function holdsPhrases(url, phrases) {
    return fetch(new URL(url, siteRoot)).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var text = [page.querySelector("main h1"), page.querySelector("main .content")]
        .map(function (e) { return e ? e.textContent : ""; }).join(" ");
      var seq = words(text).join(" ");
      return phrases.every(function (p) { return (" " + seq + " ").indexOf(" " + p.join(" ") + " ") >= 0; });
    }).catch(function () { return false; });
  }
  var PHRASE_PAGES = 30;

  // Ranked results: more query words matched first, then score. Filters
  // without a query list every page they allow, in the index's order. A
  // phrase keeps only pages that have its words, in order.
  // `options.verbatim` turns spelling correction off.
  function search(query, filters, limit, options) {
    var parsed = parse(query), ws = parsed.words;
    var active = Object.keys(filters || {}).filter(function (k) { return filters[k]; });
    if (!ws.length && !active.length) return Promise.resolve(Object.assign([], { total: 0, corrected: [], words: "" }));
    var typing = !/[\s"”]$/.test(query);
    var looked;
    return loadManifest().then(function () {
      return Promise.all([
        lookupAll(ws, typing, options && options.verbatim),
        Promise.all(active.map(function (k) { return facetDocs(k, filters[k]); }))
      ]);
    }).then(function (found) {
      looked = found[0];
      var byWord = ws.length ? looked.hits : [new Map()];
      if (!ws.length) found[1][0].forEach(function (doc) { byWord[0].set(doc, [0, 0]); });
      var total = new Map();
      byWord.forEach(function (hits) {
        hits.forEach(function (h, doc) {
          var t = total.get(doc);
          if (!t) total.set(doc, { doc: doc, score: h[0], matched: 1, all: h[1], any: h[1] });
          else { t.score += h[0]; t.matched += 1; t.all &= h[1]; t.any |= h[1]; }
        });
      });
      var ranked = [];
      total.forEach(function (t) {
        if (!found[1].every(function (set) { return set.has(t.doc); })) return;
        // A phrase's words must all be on the page (their order is checked below).
        var whole = parsed.phrases.every(function (p) {
          return p.every(function (i) { return byWord[i].has(t.doc); });
        });
        if (!whole) return;
        ranked.push(t);
      });
      ranked.sort(function (a, b) { return b.matched - a.matched || b.score - a.score || a.doc - b.doc; });
      if (!parsed.phrases.length) return ranked;
      var phrases = parsed.phrases.map(function (p) { return p.map(function (i) { return looked.words[i]; }); });
      var kept = [], next = 0;
      function more() {
        if (kept.length >= limit || next >= ranked.length || next >= PHRASE_PAGES) return kept;
        var t = ranked[next++];
        return row(t.doc).then(function (r) { return holdsPhrases(r.url, phrases); })
          .then(function (yes) { if (yes) kept.push(t); return more(); });
      }
      return more();
    }).then(function (ranked) {
      var top = ranked.slice(0, limit);
      return Promise.all(top.map(function (t) {
        return row(t.doc).then(function (r) { r.bits = t.all || t.any; return r; });
      })).then(function (results) {
        results.total = ranked.length;
        results.corrected = looked ? looked.corrected : [];
        results.words = looked ? looked.words.join(" ") : query;
        return results;
      });
    });
  }

  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // `text` as nodes, with the query's words (and their continuations) in <mark>.
  function highlighted(text, query) {
    var frag = document.createDocumentFragment(), ws = words(query);
    if (!ws.length) { frag.appendChild(document.createTextNode(text)); return frag; }
    var re = new RegExp("(" + ws.map(escapeRegExp).join("|") + ")[" + WORD + "]*", "giu"), last = 0, m;
    while ((m = re.exec(text))) {
      frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      frag.appendChild(mark);
      last = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // A result's address, carrying the query's words (`?h=`) for the page to mark.
  function arrival(url, query, section) {
    var u = new URL(url, siteRoot);
    if (query && words(query).length) u.searchParams.set("h", query.trim());
    if (section) u.hash = section;
    return u.href;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // One result: title, kind badge, date, excerpt, and matching sections.
  function renderResult(r, query, id) {
    var item = el("li", "search-result");
    var link = el("a", "search-hit");
    link.href = arrival(r.url, query);
    if (id) { link.id = id; link.setAttribute("role", "option"); }
    var head = el("span", "search-hit-head");
    head.appendChild(el("span", "search-hit-title")).appendChild(highlighted(r.title, query));
    var kindBadge = head.appendChild(el("span", "badge kind-badge", KINDS[r.kind] || r.kind));
    kindBadge.setAttribute("data-kind", r.kind);
    if (r.date) head.appendChild(el("time", "search-hit-date", r.date));
    link.appendChild(head);
    var best = r.sections.find(function (s, i) { return (r.bits >> i) & 1 && s[2]; }) || r.sections[0];
    if (best && best[2]) link.appendChild(el("span", "search-hit-excerpt")).appendChild(highlighted(best[2], query));
    item.appendChild(link);
    var subs = r.sections.filter(function (s, i) { return s[0] && (r.bits >> i) & 1; }).slice(0, 2);
    if (subs.length) {
      var list = el("ul", "search-subs");
      subs.forEach(function (s) {
        var sub = el("a", "search-sub");
        sub.href = arrival(r.url, query, s[0]);
        sub.appendChild(highlighted(s[1], query));
        list.appendChild(el("li")).appendChild(sub);
      });
      item.appendChild(list);
    }
    return item;
  }

  // For tooling and tests: handbookSearch("query", {kind: "adr"}, 10) -> results.
  window.handbookSearch = search;

  // "Showing results for failover — search instead for failovr" above
  // corrected results; the button searches the words as typed.
  function correctionNote(before) {
    var note = el("p", "search-correction");
    note.hidden = true;
    before.parentNode.insertBefore(note, before);
    return note;
  }
  function showCorrection(note, results, asTyped) {
    note.textContent = "";
    note.hidden = !results.corrected.length;
    if (note.hidden) return;
    var pick = function (k) { return results.corrected.map(function (c) { return c[k]; }).join(" "); };
    note.appendChild(document.createTextNode("Showing results for "));
    note.appendChild(el("strong", null, pick(1)));
    note.appendChild(document.createTextNode(" \u2014 search instead for "));
    var button = note.appendChild(el("button", "search-verbatim", pick(0)));
    button.type = "button";
    button.addEventListener("click", asTyped);
  }
  function counted(results) {
    var n = results.total + (results.total === 1 ? " result" : " results");
    if (!results.length) n = "No results";
    return results.corrected.length ? n + " for " + results.words : n;
  }

  // The header's search: a dialog (Ctrl/Cmd-K or "/"), results as you type
  // in a listbox the input controls (the ARIA combobox pattern), arrows to
  // move, Enter to open.
  var dialog = form.closest("dialog");
  var opener = document.querySelector(".search-open");
  var input = form.querySelector("input[type=search]");
  var box = form.querySelector(".search-results");
  var status = form.querySelector(".search-status");
  var active = -1, seq = 0, timer = null;
  if (opener) opener.hidden = false;
  if (/Mac|iPhone|iPad/.test(navigator.platform || "")) {
    document.querySelectorAll(".search-key").forEach(function (k) { k.textContent = "\u2318K"; });
  }

  function open() {
    if (dialog && !dialog.open) dialog.showModal();
    input.focus();
    input.select();
  }
  function shut() {
    if (dialog && dialog.open) dialog.close();
  }
  if (opener) opener.addEventListener("click", open);
  var closer = form.querySelector(".search-close");
  if (closer) closer.addEventListener("click", shut);
  if (dialog) {
    dialog.addEventListener("click", function (e) { if (e.target === dialog) shut(); });
    dialog.addEventListener("close", function () { if (opener) opener.focus(); });
  }

  function options() { return box.querySelectorAll("[role=option]"); }
  function setActive(i) {
    var opts = options();
    if (!opts.length) return;
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, j) {
      o.classList.toggle("active", j === active);
      o.setAttribute("aria-selected", j === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", opts[active].id);
    opts[active].scrollIntoView({ block: "nearest" });
  }
  function close() {
    box.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function option(href, cls, id) {
    var a = el("a", cls);
    a.href = href;
    a.id = id;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.tabIndex = -1;
    return a;
  }
  // The dialog's results: each page and each of its matching sections is an
  // option of the listbox (a listbox holds only options).
  function fillBox(results, q) {
    box.textContent = "";
    var n = 0;
    results.forEach(function (r) {
      var item = renderResult(r, results.words, null);
      var hit = item.querySelector(".search-hit");
      var main = option(hit.href, "search-hit", "search-option-" + n++);
      while (hit.firstChild) main.appendChild(hit.firstChild);
      box.appendChild(main);
      item.querySelectorAll(".search-sub").forEach(function (sub) {
        var o = option(sub.href, "search-hit search-sub", "search-option-" + n++);
        while (sub.firstChild) o.appendChild(sub.firstChild);
        box.appendChild(o);
      });
    });
    if (results.total > results.length) {
      var more = option(form.action + "?q=" + encodeURIComponent(q), "search-hit search-more", "search-option-" + n++);
      more.textContent = "All " + results.total + " results";
      box.appendChild(more);
    }
  }
  var dialogNote = correctionNote(box), asTyped = null;
  function update() {
    var q = input.value, mine = ++seq;
    if (!words(q).length) { close(); status.textContent = ""; dialogNote.hidden = true; return; }
    search(q, {}, 8, { verbatim: q === asTyped }).then(function (results) {
      if (mine !== seq) return;
      fillBox(results, q);
      showCorrection(dialogNote, results, function () { asTyped = q; update(); input.focus(); });
      status.textContent = counted(results);
      active = -1;
      box.hidden = !results.length;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
    }).catch(function () { close(); });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 60); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); setActive(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive(active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); location.href = options()[active].href; }
    else if (e.key === "Escape") { e.preventDefault(); shut(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(input|textarea|select)$/i.test(t.tagName));
    var slash = e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey;
    var k = (e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey;
    if (slash || k) { e.preventDefault(); open(); }
  });

  // Arriving from a result (`?h=words`): the words are marked in the page's
  // text and the first is scrolled to, unless the link named a section.
  var arrived = new URLSearchParams(location.search).get("h");
  var content = arrived && words(arrived).length && document.querySelector("main .content");
  if (content) {
    var walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT), texts = [], t, found = [];
    while ((t = walker.nextNode())) texts.push(t);
    texts.forEach(function (text) {
      // Not in drawings, or in what is folded away (a diagram's source).
      if (text.parentNode.closest("script, style, svg, mark, details:not([open])")) return;
      var frag = highlighted(text.nodeValue, arrived), marks = frag.querySelectorAll("mark");
      if (!marks.length) return;
      marks.forEach(function (m) { m.className = "search-arrival"; found.push(m); });
      text.parentNode.replaceChild(frag, text);
    });
    var shown = found.find(function (m) { return m.getClientRects().length; });
    if (shown && !location.hash) shown.scrollIntoView({ block: "center" });
  }

  // The search page: query and filters in the URL, so a search can be shared.
  var pageForm = document.querySelector("form.search-page");
  if (!pageForm) return;
  var pageInput = pageForm.querySelector("input[type=search]");
  var out = document.querySelector(".search-page-results");
  var count = document.querySelector(".search-page-count");
  var selects = pageForm.querySelectorAll("select[data-facet]");
  var pageNote = correctionNote(count), pageAsTyped = null;
  var params = new URLSearchParams(location.search);
  pageInput.value = params.get("q") || "";
  function runPage() {
    var q = pageInput.value, filters = {}, mine = ++seq, url = new URLSearchParams();
    if (q) url.set("q", q);
    selects.forEach(function (s) { filters[s.getAttribute("data-facet")] = s.value; if (s.value) url.set(s.name, s.value); });
    history.replaceState(null, "", "?" + url.toString());
    search(q, filters, 50, { verbatim: q === pageAsTyped }).then(function (results) {
      if (mine !== seq) return;
      out.textContent = "";
      results.forEach(function (r) { out.appendChild(renderResult(r, results.words)); });
      showCorrection(pageNote, results, function () { pageAsTyped = q; runPage(); pageInput.focus(); });
      var asked = words(q).length || Object.keys(filters).some(function (k) { return filters[k]; });
      count.textContent = !asked ? "" : results.length ? counted(results) : "0 results";
    });
  }
  var labels = {};
  try { labels = JSON.parse(pageForm.getAttribute("data-labels") || "{}"); } catch (e) { /* plain values */ }
  loadManifest().then(function (m) {
    selects.forEach(function (s) {
      var facet = s.getAttribute("data-facet"), named = labels[facet] || {};
      (m.facets[facet] || []).forEach(function (v) {
        var o = el("option", null, named[v] || v);
        o.value = v;
        s.appendChild(o);
      });
      s.value = params.get(s.name) || "";
      s.addEventListener("change", runPage);
    });
    pageForm.hidden = false;
    runPage();
  });
  pageInput.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runPage, 60); });
  pageForm.addEventListener("submit", function (e) { e.preventDefault(); runPage(); });
})();
