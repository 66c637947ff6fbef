/* Sort the tables of the portfolio index and filter its project table, offline.
   Reads only what the page already holds: the controls' values, a row's data-dept / data-year /
   data-grade / data-search attributes and a cell's data-v (its sort value) or text. It never builds markup and
   never writes text from the data: it hides rows, moves rows and sets a count of numbers.
   Every table whose header holds `button[data-col]` sorts by that body column (the project table
   and each year's 部门横向比较); the 全市合计 row of a comparison sits in its tfoot and stays last. */
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true, sensitivity: "base" });

  function key(tr, col, numeric) {
    var cell = tr.cells[col];
    if (!cell) { return null; }
    var raw = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim();
    if (raw === "") { return null; }
    if (!numeric) { return raw; }
    var x = Number(raw);
    return isFinite(x) ? x : null;
  }

  function sortable(table) {
    if (!table.tBodies.length) { return; }
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    function sortBy(button) {
      var th = button.parentNode;
      var col = Number(button.getAttribute("data-col"));
      var numeric = button.getAttribute("data-type") === "num";
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var sign = dir === "ascending" ? 1 : -1;
      Array.prototype.forEach.call(table.tHead.querySelectorAll("th[aria-sort]"), function (c) {
        c.setAttribute("aria-sort", "none");
      });
      th.setAttribute("aria-sort", dir);
      var keyed = rows.map(function (tr, i) { return { tr: tr, i: i, k: key(tr, col, numeric) }; });
      keyed.sort(function (a, b) {
        if (a.k === null || b.k === null) {  /* empty cells last, whichever the direction */
          return a.k === b.k ? a.i - b.i : (a.k === null ? 1 : -1);
        }
        var c = numeric ? a.k - b.k : collator.compare(a.k, b.k);
        return c !== 0 ? sign * c : a.i - b.i;
      });
      rows = keyed.map(function (k) { return k.tr; });
      rows.forEach(function (tr) { tbody.appendChild(tr); });
    }
    Array.prototype.forEach.call(table.querySelectorAll("thead button[data-col]"), function (button) {
      button.addEventListener("click", function () { sortBy(button); });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table"), function (table) {
    if (table.querySelector("thead button[data-col]")) { sortable(table); }
  });

  var table = document.getElementById("pf-table");
  if (!table || !table.tBodies.length) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);  /* filtering hides, in any order */
  var total = rows.length;
  var query = document.getElementById("pf-q");
  var dept = document.getElementById("pf-dept");
  var year = document.getElementById("pf-year");
  var grade = document.getElementById("pf-grade");
  var count = document.getElementById("pf-count");
  var panel = document.getElementById("pf-filters");

  function filter() {
    var text = query ? query.value.trim().toLowerCase() : "";
    var d = dept ? dept.value : "";
    var y = year ? year.value : "";
    var g = grade ? grade.value : "";
    var shown = 0;
    rows.forEach(function (tr) {
      var ok = (d === "" || tr.getAttribute("data-dept") === d) &&
               (y === "" || tr.getAttribute("data-year") === y) &&
               (g === "" || tr.getAttribute("data-grade") === g) &&
               (text === "" || (tr.getAttribute("data-search") || "").indexOf(text) !== -1);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (count) {
      count.textContent = shown === total ? "共 " + total + " 个项目" : "显示 " + shown + " / " + total + " 个项目";
    }
  }

  [query, dept, year, grade].forEach(function (el) {
    if (el) { el.addEventListener(el.tagName === "INPUT" ? "input" : "change", filter); }
  });
  if (panel) { panel.hidden = false; }
  filter();
}());
