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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("select[data-filter-table]").forEach(makeFilter);
  });
})();
