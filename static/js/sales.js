// The sales entry screen, keyboard only: customer search, items by code / barcode / name with Enter,
// Enter moves on, Ctrl+Enter saves; live prices (price list applied), margins and totals from the server's
// preview (the one tax engine), never computed here.
(function () {
  "use strict";
  var form = document.querySelector("[data-invoice-form]");
  if (!form) return;

  function options(box) { return Array.prototype.slice.call(box.querySelectorAll("li[role=option]")); }
  function current(box) { return box.querySelector("li[aria-selected=true]"); }
  function highlight(box, li) {
    options(box).forEach(function (o) { o.setAttribute("aria-selected", o === li ? "true" : "false"); });
  }
  function closeBox(box) { if (box) { box.hidden = true; box.innerHTML = ""; } }
  function isOpen(box) { return !!box && !box.hidden && options(box).length > 0; }
  function boxOf(input) { var c = input.closest("[data-combo]"); return c && c.querySelector("[data-suggest]"); }
  function focusOn(el) { if (el) { el.focus(); if (el.select) el.select(); } }

  // ------------------------------------------------------------------ navigation

  function fields() {
    return Array.prototype.slice.call(form.querySelectorAll(
      "input:not([type=hidden]):not([readonly]), textarea, button[data-save]"));
  }
  function next(input) {
    var all = fields(), i = all.indexOf(input);
    var target = all[i + 1];
    if (input.closest("tr[data-line]") && target && !target.closest("tr[data-line]")) {
      target = addLine().querySelector("[data-item]");
    }
    focusOn(target);
  }
  function addLine() {
    var body = form.querySelector("[data-lines]"), rows = body.querySelectorAll("tr[data-line]");
    var n = rows.length + 1, template = form.querySelector("[data-line-template]");
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.split("__n__").join(String(n));
    var row = holder.querySelector("tr");
    body.appendChild(row);
    return row;
  }

  // ------------------------------------------------------------------ customer

  var customerInput = form.querySelector("[data-customer]");
  var customerId = form.querySelector("[data-customer-id]");
  var customerTimer = null;
  function searchCustomers() {
    var box = boxOf(customerInput), q = customerInput.value.trim();
    if (!q) { closeBox(box); return Promise.resolve(); }
    var url = form.getAttribute("data-customer-search") + "?q=" + encodeURIComponent(q);
    return fetch(url, {credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (r) { return r.text(); })
      .then(function (html) { box.innerHTML = html; box.hidden = false; highlight(box, options(box)[0]); });
  }
  function pickCustomer(li) {
    customerId.value = li.getAttribute("data-value");
    customerInput.value = li.getAttribute("data-label");
    closeBox(boxOf(customerInput));
    refresh();
  }
  if (customerInput && !customerInput.readOnly) {
    customerInput.addEventListener("input", function () {
      customerId.value = "";
      clearTimeout(customerTimer);
      customerTimer = setTimeout(searchCustomers, 150);
    });
    boxOf(customerInput).addEventListener("mousedown", function (e) {
      var li = e.target.closest("li[role=option]");
      if (li) { e.preventDefault(); pickCustomer(li); next(customerInput); }
    });
  }

  // ------------------------------------------------------------------ items

  function searchItems(input) {
    var q = input.value.trim();
    var url = form.getAttribute("data-item-search") + "?q=" + encodeURIComponent(q);
    return fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); });
  }
  function showItems(input, data) {
    var box = boxOf(input);
    box.innerHTML = "";
    var list = document.createElement("ul");
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    data.items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-value", item.code);
      li.setAttribute("data-label", item.label);
      li.textContent = item.code + " · " + item.label + " · " + item.price;
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = data.items.length === 0;
    highlight(box, options(box)[0]);
  }
  function pickItem(input, code, label) {
    input.value = code;
    var row = input.closest("tr");
    var description = row.querySelector("[data-description]");
    if (description && !description.value) description.placeholder = label;
    var quantity = row.querySelector("[data-quantity]");
    if (quantity && !quantity.value) quantity.value = "1";
    closeBox(boxOf(input));
    refresh();
    focusOn(quantity);
  }
  var itemTimer = null;
  form.addEventListener("input", function (e) {
    var input = e.target;
    if (input.hasAttribute("data-item")) {
      clearTimeout(itemTimer);
      itemTimer = setTimeout(function () {
        if (input.value.trim().length >= 2) searchItems(input).then(function (d) { showItems(input, d); });
        else closeBox(boxOf(input));
      }, 200);
    } else if (!input.hasAttribute("data-customer")) {
      scheduleRefresh();
    }
  });
  form.addEventListener("mousedown", function (e) {
    var li = e.target.closest("[data-suggest] li[role=option]");
    if (!li) return;
    var input = li.closest("[data-combo]").querySelector("[data-item]");
    if (input) { e.preventDefault(); pickItem(input, li.getAttribute("data-value"), li.getAttribute("data-label")); }
  });

  // ------------------------------------------------------------------ keys

  form.addEventListener("keydown", function (e) {
    var input = e.target;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit(form.querySelector("[data-save]"));
      return;
    }
    var box = input.closest && input.closest("[data-combo]") ? boxOf(input) : null;
    if ((e.key === "ArrowDown" || e.key === "ArrowUp") && isOpen(box)) {
      e.preventDefault();
      var all = options(box), at = all.indexOf(current(box));
      at = e.key === "ArrowDown" ? Math.min(all.length - 1, at + 1) : Math.max(0, at - 1);
      highlight(box, all[at]);
      return;
    }
    if (e.key === "Escape" && isOpen(box)) { e.preventDefault(); closeBox(box); return; }
    if (e.key !== "Enter" || input.tagName === "BUTTON" || input.tagName === "TEXTAREA") return;
    e.preventDefault();
    if (input.hasAttribute("data-customer")) {
      if (isOpen(box)) { pickCustomer(current(box) || options(box)[0]); next(input); return; }
      searchCustomers().then(function () {
        if (isOpen(box)) { pickCustomer(current(box) || options(box)[0]); next(input); }
      });
      return;
    }
    if (input.hasAttribute("data-item")) {
      if (isOpen(box) && current(box)) {
        pickItem(input, current(box).getAttribute("data-value"), current(box).getAttribute("data-label"));
        return;
      }
      if (!input.value.trim()) {  // an empty item: a free line (description) or, on an empty row, done
        var row = input.closest("tr");
        if (!row.querySelector("[data-description]").value) { focusOn(form.querySelector("[data-save]")); return; }
        next(input);
        return;
      }
      clearTimeout(itemTimer);
      searchItems(input).then(function (data) {
        if (data.items.length && (data.exact || data.items.length === 1)) {
          pickItem(input, data.items[0].code, data.items[0].label);
        } else {
          showItems(input, data);
        }
      });
      return;
    }
    refresh();
    next(input);
  });

  // ------------------------------------------------------------------ live preview

  var refreshTimer = null, sequence = 0;
  function scheduleRefresh() { clearTimeout(refreshTimer); refreshTimer = setTimeout(refresh, 250); }
  function refresh() {
    if (!customerId.value) return;
    var mine = ++sequence, data = new FormData(form);
    fetch(form.getAttribute("data-preview"), {method: "POST", body: data, credentials: "same-origin",
                                               headers: {"X-CSRF-Token": data.get("_csrf")}})
      .then(function (r) { return r.json(); })
      .then(function (preview) { if (mine === sequence) show(preview); });
  }
  function show(preview) {
    var rows = form.querySelectorAll("[data-lines] tr[data-line]");
    var filled = Array.prototype.filter.call(rows, function (row) {
      return row.querySelector("[data-item]").value.trim() || row.querySelector("[data-description]").value.trim()
        || row.querySelector("[data-price]").value.trim();
    });
    Array.prototype.forEach.call(rows, function (row) {
      row.querySelector("[data-net]").textContent = "";
      row.querySelector("[data-margin]").textContent = "";
      row.querySelector("[data-price-shown]").textContent = "";
    });
    var fees = form.querySelector("[data-fees]");
    fees.innerHTML = "";
    (preview.lines || []).forEach(function (line) {
      var row = filled[line.typed - 1];
      if (line.fee) {
        var tr = document.createElement("tr");
        tr.className = "muted";
        tr.setAttribute("data-fee-line", line.item);
        tr.innerHTML = "<td></td><td></td><td></td><td></td><td></td><td></td><td></td><td class=col-money></td><td class=col-money></td>";
        tr.children[1].textContent = line.item;
        tr.children[2].textContent = line.description;
        tr.children[3].textContent = String(line.quantity / 1000);
        tr.children[4].textContent = line.unit_price;
        tr.children[6].textContent = line.vat_rate + " %";
        tr.children[7].textContent = line.net;
        tr.children[8].textContent = line.margin;
        fees.appendChild(tr);
        return;
      }
      if (!row) return;
      row.querySelector("[data-net]").textContent = line.net;
      row.querySelector("[data-margin]").textContent = line.margin;
      var shown = row.querySelector("[data-price-shown]");
      shown.textContent = line.unit_price + (line.discount_bp ? " −" + (line.discount_bp / 100) + " %" : "")
        + (line.source ? " · " + line.source : "");
      shown.setAttribute("data-price-e4", line.unit_price_e4);
      shown.setAttribute("data-source", line.source);
      var description = row.querySelector("[data-description]");
      if (!description.value) description.placeholder = line.description;
    });
    var totals = preview.totals || {};
    ["net", "vat", "total", "margin"].forEach(function (name) {
      var el = form.querySelector("[data-total=" + name + "]");
      if (el) el.textContent = totals[name] || "";
    });
    var total = form.querySelector("[data-total=total]");
    if (total) total.setAttribute("data-cents", totals.total_cents === undefined ? "" : totals.total_cents);
    var list = form.querySelector("[data-live-problems]");
    list.innerHTML = "";
    (preview.problems || []).forEach(function (message) {
      var li = document.createElement("li");
      li.textContent = message;
      list.appendChild(li);
    });
  }
  if (customerId.value) refresh();
})();
