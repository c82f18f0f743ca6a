// The purchase entry form: supplier, item and account search as you type, Enter to the next field, a new
// line when the last one is used, live totals. The server computes the VAT again (the one tax engine) and
// checks every number: the figures here only guide the user while typing. Integers only, never floats.
(function () {
  "use strict";
  var form = document.querySelector("[data-purchase-form]");
  if (!form) return;

  // "1.234,56" / "12,5" -> integer with `scale` decimals; "" -> null; not a number -> NaN.
  function scaled(text, scale) {
    var s = (text || "").replace(/[\s\u00a0\u202f'€%]/g, "");
    if (!s) return null;
    var comma = s.lastIndexOf(","), point = s.lastIndexOf(".");
    var sep = comma > point ? "," : ".";
    if (comma >= 0 && point >= 0) s = s.split(sep === "," ? "." : ",").join("");
    var m = /^(\d*)(?:[.,](\d*))?$/.exec(s);
    if (!m || (!m[1] && !m[2]) || (m[2] || "").length > scale) return NaN;
    var frac = ((m[2] || "") + "0000").slice(0, scale);
    return parseInt(m[1] || "0", 10) * Math.pow(10, scale) + (scale ? parseInt(frac, 10) : 0);
  }
  function roundDiv(n, d) { var q = Math.floor(Math.abs(n) / d), r = Math.abs(n) % d; if (2 * r >= d) q += 1; return n < 0 ? -q : q; }
  var sample = form.getAttribute("data-money-sample") || "12.345,67 €";
  var m = /^(.*?)12(\D?)345(\D)67(.*)$/.exec(sample) || [null, "", ".", ",", " €"];
  function money(c) {
    if (c === null || isNaN(c)) return "?";
    var abs = Math.abs(c), rest = String(abs % 100);
    var units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, m[2]);
    return m[1] + (c < 0 ? "-" : "") + units + m[3] + (rest.length < 2 ? "0" + rest : rest) + m[4];
  }

  // ------------------------------------------------------------------ live totals (EN 16931: VAT per rate)
  function value(row, attr) { var el = row.querySelector("[" + attr + "]"); return el ? el.value : ""; }
  function recompute() {
    var byRate = {}, net = 0, bad = false;
    form.querySelectorAll("[data-lines] [data-line]").forEach(function (row) {
      var qty = scaled(value(row, "data-qty"), 3), price = scaled(value(row, "data-price"), 4);
      var disc = scaled(value(row, "data-discount"), 2) || 0, rate = scaled(value(row, "data-rate"), 2);
      var cell = row.querySelector("[data-line-net]");
      if (price === null) { cell.textContent = ""; return; }
      if (qty === null) qty = 1000;
      if (rate === null) rate = 2100;
      if (isNaN(qty) || isNaN(price) || isNaN(disc) || isNaN(rate)) { cell.textContent = "?"; bad = true; return; }
      var gross = roundDiv(qty * price, 100000), lineNet = gross - roundDiv(gross * disc, 10000);
      cell.textContent = money(lineNet);
      net += lineNet;
      byRate[rate] = (byRate[rate] || 0) + lineNet;
    });
    var vat = 0;
    Object.keys(byRate).forEach(function (rate) { vat += roundDiv(byRate[rate] * parseInt(rate, 10), 10000); });
    form.querySelector("[data-total-net]").textContent = bad ? "?" : money(net);
    form.querySelector("[data-total-vat]").textContent = bad ? "?" : money(vat);
    form.querySelector("[data-total]").textContent = bad ? "?" : money(net + vat);
  }

  // ------------------------------------------------------------------ lines
  function renumber() {
    var rows = form.querySelectorAll("[data-lines] [data-line]");
    rows.forEach(function (row, i) {
      var n = String(i + 1);
      row.querySelector("[data-line-no]").textContent = n;
      row.querySelectorAll("[name^=lines-]").forEach(function (el) { el.name = el.name.replace(/^lines-[^-]+-/, "lines-" + n + "-"); });
    });
  }
  function addLineIfLastUsed() {
    var rows = form.querySelectorAll("[data-lines] [data-line]"), last = rows[rows.length - 1];
    var used = last && Array.prototype.some.call(last.querySelectorAll("input"), function (el) { return el.value; });
    if (!used) return;
    var template = form.querySelector("[data-line-template]");
    form.querySelector("[data-lines]").insertAdjacentHTML("beforeend", template.innerHTML);
    renumber();
  }

  // ------------------------------------------------------------------ search combos
  var timer = null;
  function boxOf(input) { var c = input.closest("[data-combo]"); return c && c.querySelector("[data-suggest]"); }
  function options(box) { return Array.prototype.slice.call(box.querySelectorAll("li[role=option]")); }
  function closeBox(box) { if (box) { box.hidden = true; box.innerHTML = ""; } }
  function search(input) {
    var kind = input.getAttribute("data-search"), url = form.getAttribute("data-" + kind + "-search"), box = boxOf(input);
    if (!url || !box) return;
    if (!input.value.trim()) { closeBox(box); return; }
    fetch(url + "?q=" + encodeURIComponent(input.value.trim()), {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (r) { return r.text(); })
      .then(function (html) { box.innerHTML = html; box.hidden = false; var first = options(box)[0]; if (first) first.setAttribute("aria-selected", "true"); });
  }
  function choose(input, li) {
    var kind = input.getAttribute("data-search"), box = boxOf(input), row = input.closest("[data-line]");
    if (kind === "supplier") {
      form.querySelector("[data-value-of=supplier]").value = li.getAttribute("data-value");
      input.value = li.getAttribute("data-label");
    } else {
      input.value = li.getAttribute("data-value");
      var label = input.parentNode.querySelector("[data-label]");
      if (label) label.textContent = li.getAttribute("data-label");
    }
    if (kind === "item" && row) {
      var fill = function (attr, text) { var el = row.querySelector(attr); if (el && !el.value && text) el.value = text; };
      fill("[name$=-description]", li.getAttribute("data-label"));
      var price = li.getAttribute("data-price");
      if (price) fill("[data-price]", (parseInt(price, 10) / 10000).toFixed(4).replace(/0{1,2}$/, "").replace(".", ","));
      var rate = li.getAttribute("data-rate");
      if (rate) fill("[data-rate]", String(parseInt(rate, 10) / 100));
      fill("[name$=-account]", li.getAttribute("data-account"));
    }
    closeBox(box);
    recompute();
  }

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (input.hasAttribute("data-search")) {
      if (input.getAttribute("data-search") === "supplier") form.querySelector("[data-value-of=supplier]").value = "";
      clearTimeout(timer);
      timer = setTimeout(function () { search(input); }, 200);
    }
    recompute();
    if (input.closest("[data-line]")) addLineIfLastUsed();
  });

  form.addEventListener("keydown", function (event) {
    var input = event.target, box = input.hasAttribute && input.hasAttribute("data-search") ? boxOf(input) : null;
    if (box && !box.hidden && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var all = options(box), at = all.indexOf(box.querySelector("li[aria-selected=true]"));
      var next = all[Math.max(0, Math.min(all.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)))];
      all.forEach(function (o) { o.setAttribute("aria-selected", o === next ? "true" : "false"); });
      event.preventDefault();
      return;
    }
    if (event.key === "Escape" && box) { closeBox(box); return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation();  // the page-wide Ctrl+Enter would submit again, without "post"
      form.querySelector("[data-post]").click();
      return;
    }
    if (event.key === "Enter" && input.tagName !== "TEXTAREA" && input.type !== "submit") {
      event.preventDefault();
      if (box && !box.hidden) {
        var chosen = box.querySelector("li[aria-selected=true]");
        if (chosen) choose(input, chosen);
      }
      var fields = Array.prototype.filter.call(form.querySelectorAll("input:not([type=hidden]), select, button"),
                                                 function (el) { return !el.disabled && el.offsetParent !== null; });
      var next = fields[fields.indexOf(input) + 1];
      if (next) { next.focus(); if (next.select) next.select(); }
    }
  });

  form.addEventListener("click", function (event) {
    var li = event.target.closest("li[role=option]");
    if (!li) return;
    var input = li.closest("[data-combo]").querySelector("[data-search]");
    choose(input, li);
  });

  recompute();
})();
