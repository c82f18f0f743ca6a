// The ledger screens: the keyboard-first entry grid, account and partner search as you type, the running
// balance, the selected total when reconciling, confirmations. No framework; the server parses every amount
// again (parse_amount), the figures here are only what the user sees while typing.
(function () {
  "use strict";

  // ------------------------------------------------------------------ amounts

  // "1.234,56", "12,50", "12.5", "-3" -> integer cents; "" -> 0; not an amount -> null. Strings, never floats.
  function cents(text) {
    var s = (text || "").replace(/[\s\u00a0\u202f'€]/g, "");
    if (!s) return 0;
    var comma = s.lastIndexOf(","), point = s.lastIndexOf(".");
    var sep = comma > point ? "," : ".";
    if (comma >= 0 && point >= 0) s = s.split(sep === "," ? "." : ",").join("");
    s = s.replace(sep, ".");
    var m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
    if (!m || (!m[2] && !m[3]) || (m[3] || "").length > 2) return null;
    var value = parseInt(m[2] || "0", 10) * 100 + parseInt(((m[3] || "") + "00").slice(0, 2), 10);
    return m[1] === "-" ? -value : value;
  }

  // Cents as the user types them back: 12150 -> "121,50".
  function typed(c) {
    var abs = Math.abs(c), rest = String(abs % 100);
    return (c < 0 ? "-" : "") + Math.floor(abs / 100) + "," + (rest.length < 2 ? "0" + rest : rest);
  }

  // Cents shown like the server shows money (filter |money, Babel): the page gives a sample, 12.345,67 €
  // (fr: "12 345,67 €", nl: "€ 12.345,67"), read once for its separators, prefix and suffix.
  var shapes = {};
  function shapeOf(sample) {
    if (!shapes[sample]) {
      var m = /^(.*?)12(\D?)345(\D)67(.*)$/.exec(sample || "");
      shapes[sample] = m ? {prefix: m[1], group: m[2], decimal: m[3], suffix: m[4]}
                         : {prefix: "", group: ".", decimal: ",", suffix: "\u00a0€"};
    }
    return shapes[sample];
  }
  function money(c, sample) {
    if (c === null) return "?";
    var shape = shapeOf(sample), abs = Math.abs(c), rest = String(abs % 100);
    var units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, shape.group);
    return shape.prefix + (c < 0 ? "-" : "") + units + shape.decimal + (rest.length < 2 ? "0" + rest : rest) + shape.suffix;
  }

  function focusOn(el) {
    if (!el) return;
    el.focus();
    if (el.tagName === "INPUT" && el.select) el.select();
  }

  // ------------------------------------------------------------------ account and partner search (combos)

  function boxOf(input) {
    var combo = input.closest("[data-combo]");
    return combo && combo.querySelector("[data-suggest]");
  }
  function kindOf(input) {
    return input.hasAttribute("data-account") ? "account" : input.hasAttribute("data-partner") ? "partner" : null;
  }
  function searchUrl(input) {
    var attr = "data-" + kindOf(input) + "-search", host = input.closest("[" + attr + "]");
    return host && host.getAttribute(attr);
  }
  function options(box) { return Array.prototype.slice.call(box.querySelectorAll("li[role=option]")); }
  function current(box) { return box.querySelector("li[aria-selected=true]"); }
  function highlight(box, li) {
    options(box).forEach(function (o) { o.setAttribute("aria-selected", o === li ? "true" : "false"); });
    if (li && li.scrollIntoView) li.scrollIntoView({block: "nearest"});
  }
  function closeBox(box) { if (box) { box.hidden = true; box.innerHTML = ""; } }
  function isOpen(box) { return !!box && !box.hidden && options(box).length > 0; }

  function load(url, box) {
    if (window.htmx && window.htmx.ajax) return window.htmx.ajax("GET", url, {target: box, swap: "innerHTML"});
    return fetch(url, {headers: {"HX-Request": "true"}, credentials: "same-origin"})
      .then(function (r) { return r.text(); }).then(function (html) { box.innerHTML = html; });
  }

  var timers = new WeakMap();
  function scheduleSearch(input) {
    clearTimeout(timers.get(input));
    var box = boxOf(input);
    if (!box || !searchUrl(input)) return;
    if (!input.value.trim()) { delete input.dataset.pending; closeBox(box); return; }
    input.dataset.pending = "1";
    timers.set(input, setTimeout(function () { search(input); }, 120));
  }

  function search(input) {
    var box = boxOf(input), asked = input.value.trim();
    load(searchUrl(input) + "?q=" + encodeURIComponent(asked), box).then(function () {
      if (input.value.trim() !== asked) return;         // the user typed on; a newer answer follows
      delete input.dataset.pending;
      if (document.activeElement !== input && !input.dataset.enterPending) { closeBox(box); return; }
      box.hidden = false;
      highlight(box, options(box)[0] || null);
      if (input.dataset.enterPending) {                 // Enter was pressed before the answer came
        delete input.dataset.enterPending;
        if (options(box).length) pick(input, options(box)[0]);
        else closeBox(box);
        advance(input);
      }
    }, function () { delete input.dataset.pending; delete input.dataset.enterPending; });
  }

  function pick(input, li) {
    var box = boxOf(input), row = input.closest("tr[data-line]");
    if (kindOf(input) === "account") {
      input.value = li.dataset.value;
      var name = input.closest("[data-combo]").querySelector("[data-account-name]");
      if (name) name.textContent = li.dataset.label;
      if (row) row.setAttribute("data-partner", li.dataset.partner || "no");
    } else {
      input.value = li.dataset.label;
      var id = input.closest("[data-combo]").querySelector("[data-partner-id]");
      if (id) id.value = li.dataset.value;
    }
    closeBox(box);
    var form = input.closest("form[data-entry-form]");
    if (form) { ensureBlankLine(form); recompute(form); }
  }

  // ------------------------------------------------------------------ the entry grid

  function lines(form) { return Array.prototype.slice.call(form.querySelectorAll("tbody[data-lines] tr[data-line]")); }
  function isBlank(row) {
    return Array.prototype.every.call(row.querySelectorAll("input"), function (i) { return !i.value.trim(); });
  }
  // The fields Enter visits on a line: the partner, document and due date only where the account needs them.
  function stops(row) {
    var partner = row.getAttribute("data-partner");
    return Array.prototype.filter.call(row.querySelectorAll("input:not([type=hidden])"), function (i) {
      return !i.hasAttribute("data-enter-skip") && !(partner === "no" && i.hasAttribute("data-partner-field"));
    });
  }

  function addLine(form) {
    var template = form.querySelector("template[data-line-template]");
    var body = form.querySelector("tbody[data-lines]");
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__n__/g, String(lines(form).length + 1)));
    return body.lastElementChild;
  }
  // There is always one blank line at the end: filling the last line opens the next one.
  function ensureBlankLine(form) {
    var all = lines(form);
    if (!all.length || !isBlank(all[all.length - 1])) addLine(form);
  }

  function recompute(form) {
    var sample = form.getAttribute("data-money-sample"), debit = 0, credit = 0, running = 0, ok = true;
    lines(form).forEach(function (row) {
      var d = cents(row.querySelector("[data-amount=debit]").value);
      var c = cents(row.querySelector("[data-amount=credit]").value);
      if (d === null || c === null) ok = false;
      else { debit += d; credit += c; running += d - c; }
      var cell = row.querySelector("[data-running]");     // shown on the lines that carry an amount
      cell.textContent = d === 0 && c === 0 ? "" : money(ok ? running : null, sample);
    });
    var set = function (selector, value) {
      var el = form.querySelector(selector);
      el.textContent = money(value, sample);
      el.setAttribute("data-cents", value === null ? "" : String(value));
    };
    set("[data-total-debit]", debit);
    set("[data-total-credit]", credit);
    set("[data-difference]", ok ? debit - credit : null);
    form.querySelector("[data-difference-box]").classList.toggle("unbalanced", !ok || debit !== credit);
    return {debit: debit, credit: credit, ok: ok};
  }

  function advance(input) {
    var form = input.form;
    var row = input.closest("tr[data-line]");
    if (!row) {                                        // journal -> date -> description -> first line
      var heads = Array.prototype.slice.call(form.querySelectorAll("[data-head]"));
      var at = heads.indexOf(input);
      if (at >= 0 && at < heads.length - 1) return focusOn(heads[at + 1]);
      return focusOn(lines(form)[0].querySelector("[data-account]"));
    }
    var all = lines(form);
    if (input.hasAttribute("data-account") && isBlank(row) && all.indexOf(row) > 0) {
      return focusOn(form.querySelector("[data-post]"));   // an empty line ends the entry: Enter again posts
    }
    var fields = stops(row), after = fields.slice(fields.indexOf(input) + 1);
    if (input.getAttribute("data-amount") === "debit" && input.value.trim()) after = [];  // one side per line
    if (after.length) return focusOn(after[0]);
    var next = all[all.indexOf(row) + 1] || addLine(form);
    focusOn(next.querySelector("[data-account]"));
  }

  function copyPrevious(input) {
    var row = input.closest("tr[data-line]"), previous = row && row.previousElementSibling;
    if (!previous) return;
    var from = previous.querySelectorAll("input"), to = row.querySelectorAll("input");
    for (var i = 0; i < to.length && i < from.length; i++) to[i].value = from[i].value;
    row.querySelector("[data-account-name]").textContent = previous.querySelector("[data-account-name]").textContent;
    if (previous.hasAttribute("data-partner")) row.setAttribute("data-partner", previous.getAttribute("data-partner"));
    var form = input.form;
    ensureBlankLine(form);
    recompute(form);
    focusOn(input);
  }

  // "=" in an empty amount: the amount that balances the entry, if it belongs on this side.
  function balanceInto(input) {
    var form = input.form;
    input.value = "";
    var totals = recompute(form);
    if (!totals.ok) return;
    var need = input.getAttribute("data-amount") === "debit" ? totals.credit - totals.debit : totals.debit - totals.credit;
    if (need > 0) input.value = typed(need);
    ensureBlankLine(form);
    recompute(form);
  }

  // ------------------------------------------------------------------ events

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    var kind = target.tagName === "INPUT" ? kindOf(target) : null;
    var box = kind ? boxOf(target) : null;
    if (box && isOpen(box)) {
      var all = options(box), at = all.indexOf(current(box));
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(box, all[(at + step + all.length) % all.length]);
        return;
      }
      if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); closeBox(box); return; }
      if (event.key === "Tab" && current(box)) { pick(target, current(box)); return; }
      if (event.key === "Enter" && !event.ctrlKey && current(box)) {
        event.preventDefault();
        pick(target, current(box));
        if (target.closest("form[data-entry-form]")) advance(target);
        return;
      }
    }
    var form = target.closest("form[data-entry-form]");
    if (!form) return;
    if (event.key === "F2" || (event.ctrlKey && (event.key === "d" || event.key === "D"))) {
      event.preventDefault();
      copyPrevious(target);
      return;
    }
    if (event.key === "=" && target.hasAttribute("data-amount")) {
      event.preventDefault();
      balanceInto(target);
      return;
    }
    if (event.key === "Enter" && !event.ctrlKey && !event.shiftKey && !event.altKey
        && (target.tagName === "INPUT" || target.tagName === "SELECT")) {
      event.preventDefault();
      if (kind && target.dataset.pending) { target.dataset.enterPending = "1"; return; }
      advance(target);
    }
  });

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    var kind = kindOf(target);
    if (kind) {
      var combo = target.closest("[data-combo]");
      if (kind === "partner") {
        var id = combo && combo.querySelector("[data-partner-id]");
        if (id) id.value = "";
      } else {
        var name = combo && combo.querySelector("[data-account-name]");
        if (name) name.textContent = "";
        var row = target.closest("tr[data-line]");
        if (row) row.removeAttribute("data-partner");
      }
      scheduleSearch(target);
    }
    var form = target.closest("form[data-entry-form]");
    if (form) { ensureBlankLine(form); recompute(form); }
  });

  document.addEventListener("focusout", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && kindOf(target) && !target.dataset.enterPending) closeBox(boxOf(target));
  });

  document.addEventListener("mousedown", function (event) {
    var li = event.target.closest && event.target.closest("[data-suggest] li[role=option]");
    if (!li) return;
    event.preventDefault();                             // keep the focus in the field
    var input = li.closest("[data-combo]").querySelector("input[data-account], input[data-partner]");
    pick(input, li);
  });

  // Reconciliation: the signed total of the lines ticked so far.
  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.closest && target.closest("[data-select-total]");
    if (!form || !target.hasAttribute("data-residual")) return;
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[data-residual]:checked"), function (i) {
      total += parseInt(i.getAttribute("data-residual"), 10);
    });
    var out = form.querySelector("[data-selected-total]");
    out.textContent = money(total, out.getAttribute("data-money-sample"));
    out.setAttribute("data-cents", String(total));
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  }, true);

  function start() {
    var form = document.querySelector("form[data-entry-form]");
    if (!form) return;
    Array.prototype.forEach.call(form.querySelectorAll("[data-no-js]"), function (el) { el.hidden = true; });
    ensureBlankLine(form);
    recompute(form);
    var invalid = form.querySelector("[aria-invalid=true]");
    focusOn(invalid || form.querySelector("input[name=description]"));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
