// The till: a client of /api/v1/pos only (bearer token from the page's meta tag, the till named by the
// X-Pos-Terminal header, remembered in localStorage). The server computes every figure (preview); this file
// keeps the basket, the payments and the panels. No dialogs: messages and panels are inline.
(function () {
  "use strict";
  var root = document.body;
  if (!root.classList.contains("till")) return;

  function meta(name) { var m = document.querySelector('meta[name="' + name + '"]'); return m ? m.content : ""; }
  var TOKEN = meta("equisis-api-token"), SLUG = meta("equisis-company"), ME = Number(meta("equisis-user"));
  var TEXTS = JSON.parse(document.getElementById("till-texts").textContent);
  var LANG = document.documentElement.lang || "fr";
  var STORE_KEY = "equisis.till." + SLUG;
  var money = new Intl.NumberFormat(LANG + "-BE", {style: "currency", currency: "EUR"});

  function $(sel, from) { return (from || document).querySelector(sel); }
  function t(key, params) {
    var text = TEXTS[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    return text;
  }
  function eur(cents) { return money.format((cents || 0) / 100); }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);  // an appliance on plain http: no randomUUID
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function parseNumber(text) {
    var clean = String(text || "").trim().replace(/\s/g, "").replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(clean) ? Number(clean) : NaN;
  }
  function toCents(text) { var n = parseNumber(text); return isNaN(n) ? NaN : Math.round(n * 100); }

  // ------------------------------------------------------------------ state and API

  var state = {
    terminal: null, config: null, session: null,
    lines: [], selected: -1, payments: [], discountVouchers: [], customer: null, invoice: false,
    card: null, parkedId: null, uuid: null, preview: null, busy: false, locked: false, done: null
  };

  function api(method, path, body, options) {
    // The API speaks the page's language (the cashier's), not the browser's.
    var headers = {"Authorization": "Bearer " + TOKEN, "Accept": "application/json", "Accept-Language": LANG};
    if (state.terminal) headers["X-Pos-Terminal"] = String(state.terminal);
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch("/api/v1" + path, {method: method, headers: headers, credentials: "omit",
                                    body: body === undefined ? undefined : JSON.stringify(body)})
      .then(function (response) {
        if (options && options.raw) return {ok: response.ok, status: response.status, response: response};
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 401) expired();
          return {ok: response.ok, status: response.status, data: data};
        });
      });
  }

  function expired() {
    say(t("token_expired"), "error");
    var link = el("a", {href: "/c/" + SLUG + "/pin?next=" + encodeURIComponent("/c/" + SLUG + "/pos/till"),
                        "class": "button", text: t("sign_in_again")});
    $("[data-message]").appendChild(document.createTextNode(" "));
    $("[data-message]").appendChild(link);
  }

  // ------------------------------------------------------------------ messages and focus

  var scan = $("[data-scan]");
  function say(text, kind) {
    var box = $("[data-message]");
    box.textContent = text || "";
    box.className = "till-message " + (kind || "info");
    box.hidden = !text;
  }
  function fail(result) { say((result.data && result.data.message) || ("HTTP " + result.status), "error"); }
  function backToScan() { if (!panelOpen()) { scan.focus(); } }
  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  }

  // ------------------------------------------------------------------ start: the till, its config

  function start() {
    api("GET", "/pos/terminals").then(function (r) {
      if (!r.ok) { fail(r); return; }
      var tills = r.data.items, kept = Number(localStorage.getItem(STORE_KEY));
      if (!tills.length) { say(t("no_terminal"), "error"); return; }
      var found = tills.filter(function (x) { return x.id === kept; })[0] || (tills.length === 1 ? tills[0] : null);
      if (found) { useTerminal(found.id); return; }
      openPanel(t("pick_terminal"), function (body) {
        tills.forEach(function (x) {
          body.appendChild(el("button", {type: "button", "class": "big", "data-terminal": x.id,
                                          text: x.code + " · " + x.name,
                                          onclick: function () { closePanel(); useTerminal(x.id); }}));
        });
      });
    }).catch(network);
  }

  function useTerminal(id) {
    state.terminal = id;
    localStorage.setItem(STORE_KEY, String(id));
    loadConfig().then(function () {
      if (state.config && state.config.cashier.id !== ME) {
        // Someone signed in at this till through the API before: the PIN-signed user of this page serves now.
        return api("DELETE", "/pos/cashier").then(loadConfig);
      }
    });
  }

  function loadConfig() {
    return api("GET", "/pos/config").then(function (r) {
      if (!r.ok) { fail(r); return; }
      var c = state.config = r.data;
      state.session = c.session;
      $("[data-till-name]").textContent = c.terminal.code + " · " + c.terminal.name;
      $("[data-cashier]").textContent = c.cashier.name;
      $("[data-legal]").textContent = c.legal_notice;
      showSession();
      showQueue(c.print_queue);
      if (!c.session || c.session.state !== "open") openSessionPanel();
    }).catch(network);
  }

  function showSession() {
    var s = state.session;
    $("[data-session-state]").textContent = s && s.state === "open" ? t("session_open", {id: s.id}) : t("no_session");
    root.classList.toggle("no-session", !(s && s.state === "open"));
  }

  function network() { say(t("network_error"), "error"); }

  // ------------------------------------------------------------------ scanning

  var scanQueue = Promise.resolve();
  $("[data-scan-form]").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = scan.value.trim();
    scan.value = "";
    if (!code) return;
    // A scanner types faster than the answers come: codes are handled one after the other, in order.
    scanQueue = scanQueue.then(function () { return handleCode(code); }).catch(network);
  });

  function handleCode(text) {
    if (state.locked) { say(t("network_error"), "error"); return Promise.resolve(); }
    if (state.done) newSale();
    var times = 1, m = /^(\d{1,3})\*(.+)$/.exec(text);
    if (m) { times = Number(m[1]); text = m[2]; }
    closeResults();
    return api("GET", "/pos/scan?code=" + encodeURIComponent(text) + customerParam()).then(function (r) {
      if (r.ok) { return onScanned(r.data, times); }
      if (r.status === 404 && /\D/.test(text) && text.length > 1) return searchItems(text, r);
      fail(r);
    });
  }

  function onScanned(found, times) {
    if (found.kind === "item") { addItem(found, times); return; }
    if (found.kind === "voucher") { return useVoucher(found.voucher); }
    if (found.kind === "card") {
      state.card = found.card;
      showLoyalty();
      say(t("card_loyalty", {code: found.card.code, points: found.card.points, stamps: found.card.stamps}), "ok");
      if (found.card.party_id && !state.customer) pickCustomer({id: found.card.party_id});
      return;
    }
    if (found.kind === "ticket") { startReturn(found.ticket); }
  }

  // The customer's price lists price the items (the server decides; preview and ticket do the same).
  function customerParam() { return state.customer ? "&customer_id=" + encodeURIComponent(state.customer.id) : ""; }

  function addItem(found, times) {
    say("");
    var embedded = !!found.embedded;
    var last = state.lines[state.lines.length - 1];
    if (!embedded && last && !last.refund_of_line_id && last.item_code === found.item_code && !last.unit_price_e4
        && !last.discount_bp && !last.embedded) {
      last.quantity_milli += 1000 * times;
      state.selected = state.lines.length - 1;
    } else {
      state.lines.push({item_code: embedded ? found.code : found.item_code, description: found.description,
                        quantity_milli: embedded ? found.quantity_milli : 1000 * times,
                        shelf_price_e4: found.unit_price_e4, embedded: found.embedded || null,
                        sale_label: found.sale_label || ""});
      state.selected = state.lines.length - 1;
    }
    changed();
  }

  function searchItems(text, notFound) {
    return api("GET", "/pos/items?q=" + encodeURIComponent(text) + customerParam()).then(function (r) {
      if (!r.ok || !r.data.items.length) { if (notFound) fail(notFound); else say(t("nothing_found", {q: text}), "error"); return; }
      var box = $("[data-results]");
      box.innerHTML = "";
      r.data.items.forEach(function (item, i) {
        var li = el("li", {role: "option", tabindex: "-1", "aria-selected": i === 0 ? "true" : "false",
                           onclick: function () { closeResults(); addItem(item, 1); backToScan(); }},
                    [el("span", {text: item.description + " · " + item.item_code}),
                     el("b", {text: eur(item.unit_price_e4 / 100)})]);
        li._item = item;
        box.appendChild(li);
      });
      box.hidden = false;
      say("");
    });
  }
  function closeResults() { var box = $("[data-results]"); box.hidden = true; box.innerHTML = ""; }
  function resultMove(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-results] li"));
    var i = items.findIndex(function (x) { return x.getAttribute("aria-selected") === "true"; });
    var next = Math.max(0, Math.min(items.length - 1, i + step));
    items.forEach(function (x, n) { x.setAttribute("aria-selected", n === next ? "true" : "false"); });
  }
  function resultPick() {
    var li = $("[data-results] li[aria-selected=true]");
    if (!li) return false;
    closeResults(); addItem(li._item, 1); return true;
  }

  function startReturn(ticket) {
    var lines = ticket.lines.filter(function (x) { return x.refundable_milli > 0; });
    if (!lines.length) { say(t("nothing_found", {q: ticket.number}), "error"); return; }
    newSale();
    lines.forEach(function (x) {
      state.lines.push({refund_of_line_id: x.id, item_code: x.item_code, description: x.description,
                        quantity_milli: x.refundable_milli, shelf_price_e4: x.unit_price_e4, refund: true});
    });
    if (ticket.customer_id) pickCustomer({id: ticket.customer_id});
    say(t("returns", {number: ticket.number}), "ok");
    changed();
  }

  // ------------------------------------------------------------------ the basket

  function apiLines() {
    return state.lines.map(function (x) {
      var line = {};
      if (x.refund_of_line_id) { line.refund_of_line_id = x.refund_of_line_id; line.quantity_milli = -x.quantity_milli; }
      else { line.item_code = x.item_code; if (!x.embedded) line.quantity_milli = x.quantity_milli; }
      if (x.unit_price_e4 !== undefined && x.unit_price_e4 !== null) line.unit_price_e4 = x.unit_price_e4;
      if (x.discount_bp) line.discount_bp = x.discount_bp;
      return line;
    });
  }
  function ticketBody() {
    var body = {lines: apiLines(), payments: state.payments.map(function (p) {
      var out = {method: p.method, amount_cents: p.amount_cents};
      if (p.voucher_code) out.voucher_code = p.voucher_code;
      return out;
    })};
    if (state.customer) body.customer_id = state.customer.id;
    if (state.discountVouchers.length) body.discount_vouchers = state.discountVouchers.slice();
    if (state.card) body.card_code = state.card.code;
    if (state.invoice) body.invoice = true;
    return body;
  }

  function changed() {
    state.uuid = null;
    renderLines();
    preview();
  }

  var previewSeq = 0;
  function preview() {
    var seq = ++previewSeq;
    if (!state.lines.length) { state.preview = null; renderTotals(); return Promise.resolve(); }
    return api("POST", "/pos/preview", ticketBody()).then(function (r) {
      if (seq !== previewSeq) return r;
      if (!r.ok) { fail(r); return r; }
      state.preview = r.data;
      renderLines(); renderTotals();
      return r;
    }).catch(network);
  }

  function qtyText(milli) { return String(Number((milli / 1000).toFixed(3))); }

  function renderLines() {
    var body = $("[data-lines]"), amounts = state.preview ? state.preview.lines : [];
    body.innerHTML = "";
    var rights = state.config ? state.config.cashier.rights : {};
    state.lines.forEach(function (x, i) {
      var shown = amounts[i] || {};
      var price = x.unit_price_e4 != null ? x.unit_price_e4 : (shown.unit_price_e4 != null ? shown.unit_price_e4 : x.shelf_price_e4);
      var flag = (x.discount_bp || 0) > (rights.discount_bp || 0) || (x.unit_price_e4 != null && !rights.price) ? " ⚠" : "";
      var tr = el("tr", {"data-line": i, "class": i === state.selected ? "selected" : "",
                         onclick: function () { select(i); }},
                  [el("td", {text: (x.refund ? "↩ " : "") + x.description + (x.sale_label ? " (" + x.sale_label + ")" : "") + flag}),
                   el("td", {"class": "num", text: (x.refund ? "-" : "") + qtyText(x.quantity_milli)}),
                   el("td", {"class": "num", text: eur(price / 100)}),
                   el("td", {"class": "num", text: x.discount_bp ? String(x.discount_bp / 100) : ""}),
                   el("td", {"class": "num", "data-amount": "", text: shown.amount_cents != null ? eur(shown.amount_cents) : ""}),
                   el("td", {}, [el("button", {type: "button", "class": "icon", "aria-label": t("remove"), text: "✕",
                                               onclick: function (e) { e.stopPropagation(); removeLine(i); }})])]);
      body.appendChild(tr);
    });
    $("[data-empty]").hidden = state.lines.length > 0;
    var sel = body.querySelector("tr.selected");
    if (sel && sel.scrollIntoView) sel.scrollIntoView({block: "nearest"});
    renderEdit();
  }

  function select(i) {
    state.selected = i;
    renderLines();
  }
  function removeLine(i) {
    if (state.locked || i < 0 || i >= state.lines.length) return;
    state.lines.splice(i, 1);
    state.selected = Math.min(state.selected, state.lines.length - 1);
    changed(); backToScan();
  }

  function renderEdit() {
    var box = $("[data-line-edit]"), x = state.lines[state.selected];
    box.hidden = !x;
    if (!x) return;
    var q = $("[data-edit=quantity]"), p = $("[data-edit=price]"), d = $("[data-edit=discount]");
    if (document.activeElement !== q) q.value = qtyText(x.quantity_milli);
    if (document.activeElement !== p) p.value = ((x.unit_price_e4 != null ? x.unit_price_e4 : x.shelf_price_e4) / 10000).toFixed(2);
    if (document.activeElement !== d) d.value = x.discount_bp ? String(x.discount_bp / 100) : "";
    q.disabled = !!x.embedded; p.disabled = !!x.refund; d.disabled = !!x.refund;
  }

  function applyEdit(input) {
    var x = state.lines[state.selected];
    if (!x || state.locked) return;
    var kind = input.getAttribute("data-edit"), n = parseNumber(input.value);
    var rights = state.config ? state.config.cashier.rights : {};
    if (kind === "quantity") {
      if (isNaN(n) || n <= 0) { say(t("quantity_invalid"), "error"); return; }
      x.quantity_milli = Math.round(n * 1000);
    } else if (kind === "price") {
      if (isNaN(n) || n < 0) { say(t("price_invalid"), "error"); return; }
      var e4 = Math.round(n * 10000);
      x.unit_price_e4 = e4 === x.shelf_price_e4 ? null : e4;
      if (x.unit_price_e4 != null && !rights.price) say(t("needs_supervisor"), "warn"); else say("");
    } else {
      if (input.value.trim() === "") n = 0;
      if (isNaN(n) || n < 0 || n > 100) { say(t("discount_invalid"), "error"); return; }
      x.discount_bp = Math.round(n * 100);
      if (x.discount_bp > (rights.discount_bp || 0)) say(t("needs_supervisor"), "warn"); else say("");
    }
    changed();
  }

  document.querySelectorAll("[data-edit]").forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); applyEdit(input); input.blur(); scan.focus(); }
      if (event.key === "Escape") { event.preventDefault(); renderEdit(); scan.focus(); }
    });
    input.addEventListener("change", function () { applyEdit(input); });
  });

  // ------------------------------------------------------------------ totals and payments

  function row(label, value, cls) {
    var box = $("[data-totals]");
    box.appendChild(el("dt", {"class": cls || "", text: label}));
    box.appendChild(el("dd", {"class": cls || "", text: value}));
  }

  function renderTotals() {
    var box = $("[data-totals]"), p = state.preview;
    box.innerHTML = "";
    if (p) {
      row(t("total"), eur(p.total_cents + (p.discount_cents || 0)), "total");
      if (p.discount_cents) row(t("ticket_discount"), eur(-p.discount_cents), "discount");
      (p.vat || []).forEach(function (g) { row(t("of_which_vat", {rate: (g.rate_bp / 100) + " %"}), eur(g.vat_cents), "vat"); });
      if (p.price_rounding_cents) row(t("price_rounding"), eur(p.price_rounding_cents), "rounding");
      if (p.rounding_cents) row(t("cash_rounding"), eur(p.rounding_cents), "rounding cash-rounding");
      row(t("to_pay"), eur(p.to_pay_cents), "to-pay");
      if (state.payments.length) {
        row(t("paid"), eur(state.payments.reduce(function (s, x) { return s + x.amount_cents; }, 0)), "paid");
        if (p.short_cents) row(t("left_to_pay"), eur(p.short_cents), "short");
        if (p.change_cents) row(t("change"), eur(p.change_cents), "change");
      }
    }
    var list = $("[data-payments]");
    list.innerHTML = "";
    state.payments.forEach(function (x, i) {
      list.appendChild(el("li", {}, [el("span", {text: methodLabel(x.method) + (x.voucher_code ? " " + x.voucher_code : "")}),
                                     el("b", {text: eur(x.amount_cents)}),
                                     el("button", {type: "button", "class": "icon", "aria-label": t("remove"), text: "✕",
                                                   onclick: function () { state.payments.splice(i, 1); preview(); }})]));
    });
    $("[data-action=validate]").disabled = !p || p.short_cents > 0 || state.busy;
  }

  function methodLabel(method) {
    var found = (state.config ? state.config.payment_methods : []).filter(function (m) { return m.method === method; })[0];
    return found ? found.label : method;
  }

  function leftToPay() {
    // What is still due once the non-cash payments count, before any cash (rounded for cash by the server).
    var p = state.preview;
    if (!p) return 0;
    var other = state.payments.filter(function (x) { return x.method !== "cash"; })
      .reduce(function (s, x) { return s + x.amount_cents; }, 0);
    return Math.max(Math.abs(p.total_cents) - other, 0);
  }
  function cashDue() { var left = leftToPay(); return Math.round(left / 5) * 5; }

  function step(build) {
    var box = $("[data-step]");
    box.innerHTML = "";
    box.hidden = !build;
    if (build) build(box);
  }

  function payCash() {
    if (!state.lines.length || state.locked) return;
    step(function (box) {
      var input = el("input", {inputmode: "decimal", "data-tendered": "", "aria-label": t("tendered"),
                               value: (cashDue() / 100).toFixed(2)});
      var quick = el("div", {"class": "quick"});
      [cashDue(), 500, 1000, 2000, 5000, 10000].filter(function (v, i, all) { return all.indexOf(v) === i && v >= cashDue(); })
        .slice(0, 5).forEach(function (v) {
          quick.appendChild(el("button", {type: "button", text: eur(v), onclick: function () { input.value = (v / 100).toFixed(2); confirmCash(input); }}));
        });
      box.appendChild(el("label", {}, [t("tendered") + " ", input]));
      box.appendChild(quick);
      box.appendChild(el("button", {type: "button", "class": "primary", text: t("confirm"), onclick: function () { confirmCash(input); }}));
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); confirmCash(input); }
        if (e.key === "Escape") { e.preventDefault(); step(null); scan.focus(); }
      });
      input.focus(); input.select();
    });
  }
  function confirmCash(input) {
    var cents = toCents(input.value);
    if (isNaN(cents) || cents < 0) { say(t("price_invalid"), "error"); return; }
    state.payments = state.payments.filter(function (x) { return x.method !== "cash"; });
    state.payments.push({method: "cash", amount_cents: cents});
    step(null);
    preview().then(function () { if (state.preview && !state.preview.short_cents) validate(); else scan.focus(); });
  }

  function payOther(method) {
    if (!state.lines.length || state.locked) return;
    if (method === "credit" && !state.customer) { openCustomer(); return; }
    step(function (box) {
      var input = el("input", {inputmode: "decimal", "aria-label": t("amount"), value: (leftToPay() / 100).toFixed(2)});
      var label = method === "card" ? t("card_hint") : methodLabel(method);
      box.appendChild(el("p", {text: label}));
      box.appendChild(el("label", {}, [t("amount") + " ", input]));
      var ok = el("button", {type: "button", "class": "primary", "data-confirm-payment": method,
                             text: method === "card" ? t("card_confirm", {amount: ""}).trim() : t("confirm"),
                             onclick: function () { add(); }});
      box.appendChild(ok);
      box.appendChild(el("button", {type: "button", text: t("cancel"), onclick: function () { step(null); scan.focus(); }}));
      function add() {
        var cents = toCents(input.value);
        if (isNaN(cents) || cents <= 0) { say(t("price_invalid"), "error"); return; }
        state.payments.push({method: method, amount_cents: Math.min(cents, leftToPay())});
        step(null);
        preview().then(function () { if (state.preview && !state.preview.short_cents) validate(); else scan.focus(); });
      }
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); add(); }
        if (e.key === "Escape") { e.preventDefault(); step(null); scan.focus(); }
      });
      input.focus(); input.select();
    });
  }

  function payVoucher() {
    if (state.locked) return;
    step(function (box) {
      var input = el("input", {"aria-label": t("voucher_code"), placeholder: t("voucher_code"), "data-voucher-code": ""});
      box.appendChild(el("label", {}, [t("voucher_code") + " ", input]));
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          e.preventDefault();
          api("GET", "/pos/vouchers/" + encodeURIComponent(input.value.trim())).then(function (r) {
            if (!r.ok) { fail(r); return; }
            step(null); useVoucher(r.data); scan.focus();
          });
        }
        if (e.key === "Escape") { e.preventDefault(); step(null); scan.focus(); }
      });
      input.focus();
    });
  }

  function useVoucher(v) {
    // The server judges the voucher (expired, used, unknown…): a refused one is taken off again, its reason shown.
    var undo, amount = 0;
    if (v.kind === "discount") {
      if (state.discountVouchers.indexOf(v.code) < 0) state.discountVouchers.push(v.code);
      undo = function () { state.discountVouchers = state.discountVouchers.filter(function (c) { return c !== v.code; }); };
    } else {
      if (!state.lines.length) { say(t("empty_basket"), "error"); return Promise.resolve(); }
      state.payments = state.payments.filter(function (x) { return x.voucher_code !== v.code; });
      amount = Math.min(v.balance_cents, leftToPay());
      state.payments.push({method: "voucher", amount_cents: amount, voucher_code: v.code});
      undo = function () { state.payments = state.payments.filter(function (x) { return x.voucher_code !== v.code; }); };
    }
    if (!state.lines.length) {
      if (v.state !== "valid") { undo(); say(t("voucher_not_usable", {code: v.code, state: (TEXTS.voucher_states || {})[v.state] || v.state}), "error"); return Promise.resolve(); }
      say(t("discount_voucher_added", {code: v.code}), "ok");
      return Promise.resolve();
    }
    return preview().then(function (r) {
      if (r && !r.ok) { undo(); preview(); fail(r); return; }
      if (v.kind === "discount") say(t("discount_voucher_added", {code: v.code}), "ok");
      else say(t("voucher_added", {code: v.code, amount: eur(amount),
                                   balance: eur(v.balance_cents)}), "ok");
    });
  }

  // ------------------------------------------------------------------ validating (one UUID per sale, retried)

  function validate(supervisor) {
    if (state.busy || !state.preview || state.preview.short_cents > 0) return;
    state.uuid = state.uuid || uuid4();
    var body = ticketBody();
    body.uuid = state.uuid;
    body.session_id = state.session ? state.session.id : null;
    if (state.parkedId) body.parked_id = state.parkedId;
    if (supervisor) body.supervisor = supervisor;
    state.busy = true; renderTotals();
    var attempt = 0;
    function send() {
      attempt += 1;
      return api("POST", "/pos/tickets", body).then(function (r) {
        state.busy = false; state.locked = false;
        if (r.ok) { finished(r.data); return; }
        renderTotals();
        if (r.status === 403 && r.data.error === "RightMissing" || r.data.error === "SupervisorNotAllowed") {
          askSupervisor(r.data.message, function (boss) { validate(boss); });
          return;
        }
        if (r.status >= 500) return retry();
        fail(r);
      }, retry);
    }
    function retry() {
      // No answer: the same UUID again, so the sale is recorded once whatever reached the server.
      state.locked = true;
      if (attempt < 4) {
        say(t("retrying", {attempt: attempt}), "warn");
        return new Promise(function (done) { setTimeout(done, 400 * attempt); }).then(send);
      }
      state.busy = false; renderTotals();
      say(t("network_error"), "error");
      var again = el("button", {type: "button", "data-action": "resend", text: t("retry_send"),
                                onclick: function () { attempt = 0; state.busy = true; send(); }});
      $("[data-message]").appendChild(document.createTextNode(" "));
      $("[data-message]").appendChild(again);
    }
    return send();
  }

  function finished(ticket) {
    state.done = ticket;
    root.classList.add("sale-done");
    step(null);
    say(t("ticket_done", {number: ticket.number}), "ok");
    var box = $("[data-done]");
    box.innerHTML = "";
    box.hidden = false;
    box.appendChild(el("p", {"class": "done-number", text: t("ticket_done", {number: ticket.number})}));
    if (ticket.rounding_cents) box.appendChild(el("p", {"data-done-rounding": "", text: t("cash_rounding") + " " + eur(ticket.rounding_cents)}));
    box.appendChild(el("p", {"class": "done-change", "data-change": ticket.change_cents, text: t("change") + " " + eur(Math.abs(ticket.change_cents))}));
    (ticket.vouchers_issued || []).forEach(function (code) { box.appendChild(el("p", {text: t("voucher_code") + " " + code})); });
    box.appendChild(printStatus(ticket));
    if (ticket.invoice) {
      box.appendChild(el("p", {"data-invoice": ticket.invoice.number}, [el("button", {type: "button", text: t("invoice_pdf", {number: ticket.invoice.number}),
        onclick: function () { openPdf(ticket.invoice.pdf); }})]));
    }
    box.appendChild(el("button", {type: "button", "class": "primary big", text: t("new_sale") + " (Enter)",
                                  onclick: function () { newSale(); scan.focus(); }}));
    state.lines = []; state.payments = []; state.discountVouchers = []; state.parkedId = null;
    state.uuid = null; state.selected = -1;
    renderLines();
    loadConfig();
    scan.focus();
  }

  function printStatus(ticket) {
    var status = ticket.print ? ticket.print.status : "none";
    var box = el("div", {"class": "print-status " + status, "data-print-status": status});
    box.appendChild(el("span", {text: status === "printed" ? t("print_printed") : status === "queued" ? t("print_queued") : t("print_none")}));
    box.appendChild(el("button", {type: "button", "data-action": "reprint", text: t("reprint"), onclick: function () {
      api("POST", "/pos/tickets/" + ticket.id + "/reprint", {}).then(function (r) {
        if (!r.ok) { fail(r); return; }
        box.setAttribute("data-print-status", r.data.status);
        box.firstChild.textContent = r.data.status === "printed" ? t("print_printed") : t("print_queued");
        loadConfig();
      });
    }}));
    box.appendChild(el("button", {type: "button", text: t("pdf"), onclick: function () { openPdf("/pos/tickets/" + ticket.id + ".pdf"); }}));
    return box;
  }

  function openPdf(path) {
    var win = window.open("", "_blank");
    api("GET", path, undefined, {raw: true}).then(function (r) {
      if (!r.ok) { if (win) win.close(); say("HTTP " + r.status, "error"); return; }
      return r.response.blob().then(function (blob) {
        var url = URL.createObjectURL(blob);
        if (win) win.location = url; else window.location = url;
      });
    });
  }

  function showQueue(jobs) {
    var box = $("[data-queue]");
    box.innerHTML = "";
    box.hidden = !jobs || !jobs.length;
    if (box.hidden) return;
    box.appendChild(el("h3", {text: t("print_queue")}));
    jobs.forEach(function (job) {
      box.appendChild(el("div", {"class": "job"}, [
        el("span", {text: job.kind + " #" + (job.ticket_id || job.session_id || job.id) + " · " + (job.error || job.status)}),
        el("button", {type: "button", text: t("retry"), onclick: function () {
          api("POST", "/pos/print-jobs/" + job.id + "/retry", {}).then(function (r) { if (!r.ok) fail(r); loadConfig(); });
        }})]));
    });
  }

  function newSale() {
    state.done = null;
    root.classList.remove("sale-done");
    state.lines = []; state.payments = []; state.discountVouchers = []; state.customer = null; state.invoice = false;
    state.card = null; state.parkedId = null; state.uuid = null; state.selected = -1; state.preview = null;
    $("[data-done]").hidden = true;
    step(null);
    showCustomer(); showLoyalty();
    renderLines(); renderTotals();
  }

  // ------------------------------------------------------------------ customer

  function openCustomer() {
    var box = $("[data-customer-search]"), q = $("[data-customer-q]");
    box.hidden = false; q.value = ""; q.focus();
  }
  var customerTimer = null;
  $("[data-customer-q]").addEventListener("input", function () {
    clearTimeout(customerTimer);
    customerTimer = setTimeout(searchCustomers, 200);
  });
  $("[data-customer-q]").addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      var first = $("[data-customer-results] li");
      if (first) first.click(); else searchCustomers();
    }
    if (e.key === "Escape") { e.preventDefault(); $("[data-customer-search]").hidden = true; scan.focus(); }
  });
  function searchCustomers() {
    var q = $("[data-customer-q]").value.trim(), list = $("[data-customer-results]");
    if (!q) { list.innerHTML = ""; return; }
    api("GET", "/pos/customers?q=" + encodeURIComponent(q)).then(function (r) {
      list.innerHTML = "";
      if (!r.ok) { fail(r); return; }
      if (!r.data.items.length) list.appendChild(el("li", {text: t("nothing_found", {q: q})}));
      r.data.items.forEach(function (c) {
        list.appendChild(el("li", {role: "option", text: c.name + (c.vat_number ? " · " + c.vat_number : ""),
                                   onclick: function () { pickCustomer(c); $("[data-customer-search]").hidden = true; scan.focus(); }}));
      });
    });
  }
  function pickCustomer(c) {
    api("GET", "/pos/customers/" + c.id).then(function (r) {
      if (!r.ok) { fail(r); return; }
      state.customer = r.data;
      showCustomer();
      preview();
    });
  }
  function showCustomer() {
    var c = state.customer, hist = $("[data-history]");
    $("[data-customer-name]").textContent = c ? c.name : t("no_customer");
    $("[data-invoice-toggle]").hidden = !(c && c.vat_number);
    $("[data-invoice]").checked = state.invoice;
    hist.innerHTML = ""; hist.hidden = !c;
    if (!c) return;
    hist.appendChild(el("h3", {text: t("history")}));
    if (!c.history.length) hist.appendChild(el("p", {"class": "muted", text: t("no_history")}));
    c.history.forEach(function (h) {
      hist.appendChild(el("p", {text: h.day + " · " + h.number + " · " + eur(h.to_pay_cents) + " · " + h.items.join(", ")}));
    });
  }
  $("[data-invoice]").addEventListener("change", function (e) { state.invoice = e.target.checked; });
  function showLoyalty() {
    var box = $("[data-loyalty]");
    box.hidden = !state.card;
    if (state.card) box.textContent = t("card_loyalty", {code: state.card.code, points: state.card.points, stamps: state.card.stamps});
  }

  // ------------------------------------------------------------------ panels (inline, beside the sale)

  function panelOpen() { return !$("[data-panel]").hidden; }
  function openPanel(title, build) {
    var panel = $("[data-panel]");
    panel.innerHTML = "";
    panel.appendChild(el("div", {"class": "panel-head"}, [el("h2", {text: title}),
      el("button", {type: "button", "data-action": "close-panel", text: t("close_panel") + " (Esc)", onclick: closePanel})]));
    var body = el("div", {"class": "panel-body"});
    panel.appendChild(body);
    panel.hidden = false;
    root.classList.add("panel-open");
    build(body);
    var first = body.querySelector("input, select, button");
    if (first) first.focus();
  }
  function closePanel() {
    var panel = $("[data-panel]");
    panel.hidden = true; panel.innerHTML = "";
    root.classList.remove("panel-open");
    scan.focus();
  }

  function countGrid(body, denominations) {
    var grid = el("div", {"class": "count-grid"}), total = el("output", {"data-count-total": "", text: eur(0)});
    var inputs = {};
    denominations.forEach(function (d) {
      var input = el("input", {type: "number", min: "0", step: "1", inputmode: "numeric", "data-denomination": d,
                               "aria-label": eur(d)});
      input.addEventListener("input", update);
      inputs[d] = input;
      grid.appendChild(el("label", {}, [el("span", {text: eur(d)}), input]));
    });
    function counts() {
      var out = {};
      Object.keys(inputs).forEach(function (d) { var n = parseInt(inputs[d].value, 10); if (n > 0) out[d] = n; });
      return out;
    }
    function update() {
      var c = counts(), sum = 0;
      Object.keys(c).forEach(function (d) { sum += Number(d) * c[d]; });
      total.textContent = eur(sum);
    }
    body.appendChild(grid);
    body.appendChild(el("p", {"class": "count-total"}, [t("counted") + " ", total]));
    return counts;
  }

  function openSessionPanel() {
    var s = state.session, denominations = state.config ? state.config.denominations : [];
    if (!s || s.state !== "open") {
      openPanel(t("open_session"), function (body) {
        body.appendChild(el("p", {text: t("no_session") + " " + t("float_counted") + ":"}));
        var counts = countGrid(body, denominations);
        body.appendChild(el("button", {type: "button", "class": "primary big", "data-action": "open-session",
                                       text: t("open_session"), onclick: function () {
          api("POST", "/pos/sessions", {counts: counts()}).then(function (r) {
            if (!r.ok) { fail(r); return; }
            state.session = r.data; showSession(); closePanel(); say(t("session_open", {id: r.data.id}), "ok");
          });
        }}));
      });
      return;
    }
    openPanel(t("session_open", {id: s.id}), function (body) {
      // cash in / out
      var direction = el("select", {"data-move-direction": ""}, [el("option", {value: "in", text: t("cash_in")}),
                                                                  el("option", {value: "out", text: t("cash_out")})]);
      var amount = el("input", {inputmode: "decimal", "data-move-amount": "", "aria-label": t("amount")});
      var reason = el("input", {"data-move-reason": "", "aria-label": t("reason")});
      body.appendChild(el("fieldset", {}, [el("legend", {text: t("cash_in") + " / " + t("cash_out")}), direction,
        el("label", {}, [t("amount") + " ", amount]), el("label", {}, [t("reason") + " ", reason]),
        el("button", {type: "button", "data-action": "movement", text: t("confirm"), onclick: function () {
          var cents = toCents(amount.value);
          if (isNaN(cents) || cents <= 0) { say(t("price_invalid"), "error"); return; }
          api("POST", "/pos/sessions/" + s.id + "/movements", {direction: direction.value, amount_cents: cents,
                                                                reason: reason.value}).then(function (r) {
            if (!r.ok) { fail(r); return; }
            say(t("movement_done", {direction: direction.options[direction.selectedIndex].text, amount: eur(cents)}), "ok");
            amount.value = ""; reason.value = "";
          });
        }})]));
      body.appendChild(el("button", {type: "button", text: t("x_report"), onclick: function () { openPdf("/pos/sessions/" + s.id + "/x.pdf"); }}));
      // close with a count
      var fs = el("fieldset", {}, [el("legend", {text: t("close_session") + " · " + t("count_per_denomination")})]);
      body.appendChild(fs);
      var counts = countGrid(fs, denominations);
      var who = el("select", {"data-controller": ""}, [el("option", {value: "", text: t("nobody")})]);
      (state.config.cashiers || []).forEach(function (u) { if (u.id !== state.config.cashier.id) who.appendChild(el("option", {value: u.id, text: u.name})); });
      var pin = el("input", {type: "password", inputmode: "numeric", "aria-label": t("pin"), "data-controller-pin": ""});
      fs.appendChild(el("label", {}, [t("confirmed_by") + " ", who]));
      fs.appendChild(el("label", {}, [t("pin") + " ", pin]));
      var key = uuid4();
      fs.appendChild(el("button", {type: "button", "class": "primary big", "data-action": "close-session",
                                   text: t("close_session"), onclick: function () {
        var body_ = {counts: counts(), key: key};
        if (who.value) body_.confirmed_by = {user_id: Number(who.value), pin: pin.value};
        api("POST", "/pos/sessions/" + s.id + "/close", body_).then(function (r) {
          if (!r.ok) { fail(r); return; }
          var text = t("session_closed", {id: s.id, expected: eur(r.data.expected_cents), counted: eur(r.data.counted_cents),
                                          difference: eur(r.data.difference_cents)});
          state.session = null; showSession();
          openPanel(t("close_session"), function (b) {
            b.appendChild(el("p", {"data-close-result": "", text: text}));
            b.appendChild(el("button", {type: "button", text: t("z_report"), onclick: function () { openPdf("/pos/sessions/" + s.id + "/z.pdf"); }}));
            b.appendChild(el("button", {type: "button", "class": "primary", text: t("open_session"), onclick: function () { openSessionPanel(); }}));
          });
          say(text, "ok");
        });
      }}));
    });
  }

  function pinPad(body, onDone, label) {
    var boss = el("select", {"data-supervisor": ""});
    (state.config.cashiers || []).forEach(function (u) { if (u.id !== state.config.cashier.id) boss.appendChild(el("option", {value: u.id, text: u.name})); });
    var pin = el("input", {type: "password", inputmode: "numeric", maxlength: "6", "data-supervisor-pin": "", "aria-label": t("pin")});
    var pad = el("div", {"class": "pinpad"});
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"].forEach(function (k) {
      pad.appendChild(el("button", {type: "button", "data-key": k, text: k, onclick: function () {
        if (k === "⌫") pin.value = pin.value.slice(0, -1);
        else if (k === "OK") submit();
        else pin.value += k;
      }}));
    });
    function submit() { if (boss.value && pin.value) onDone({user_id: Number(boss.value), pin: pin.value}); }
    pin.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); submit(); } });
    body.appendChild(el("label", {}, [t("supervisor") + " ", boss]));
    body.appendChild(el("label", {}, [(label || t("pin")) + " ", pin]));
    body.appendChild(pad);
    setTimeout(function () { pin.focus(); }, 0);
  }

  function askSupervisor(message, then) {
    openPanel(t("supervisor"), function (body) {
      body.appendChild(el("p", {"class": "till-message warn", text: t("supervisor_needed", {message: message})}));
      pinPad(body, function (boss) { closePanel(); then(boss); });
    });
  }

  function openDrawer() {
    var rights = state.config ? state.config.cashier.rights : {};
    openPanel(t("drawer"), function (body) {
      var reason = el("input", {"data-drawer-reason": "", "aria-label": t("reason"), placeholder: t("reason")});
      body.appendChild(el("label", {}, [t("reason") + " ", reason]));
      function send(boss) {
        var data = {reason: reason.value || "-"};
        if (boss) data.supervisor = boss;
        api("POST", "/pos/drawer", data).then(function (r) {
          if (!r.ok) { fail(r); return; }
          closePanel(); say(t("drawer_opened"), "ok");
        });
      }
      if (rights.drawer) body.appendChild(el("button", {type: "button", "class": "primary", text: t("drawer"), onclick: function () { send(null); }}));
      else pinPad(body, send);
    });
  }

  // ------------------------------------------------------------------ parked sales

  function park() {
    if (!state.lines.length || state.locked) return;
    var label = (state.customer ? state.customer.name : "") || new Date().toLocaleTimeString(LANG, {hour: "2-digit", minute: "2-digit"});
    api("POST", "/pos/parked", {uuid: uuid4(), lines: state.lines, customer_id: state.customer ? state.customer.id : null,
                                label: label, total_cents: state.preview ? state.preview.total_cents : 0}).then(function (r) {
      if (!r.ok) { fail(r); return; }
      newSale(); say(t("parked_done", {label: r.data.label}), "ok"); scan.focus();
    });
  }

  function parkedList() {
    api("GET", "/pos/parked").then(function (r) {
      if (!r.ok) { fail(r); return; }
      openPanel(t("parked"), function (body) {
        if (!r.data.items.length) body.appendChild(el("p", {text: t("no_parked")}));
        r.data.items.forEach(function (p) {
          body.appendChild(el("div", {"class": "parked-row", "data-parked": p.id}, [
            el("span", {text: p.label + " · " + p.terminal + " · " + t("lines_count", {count: p.lines.length}) + " · " + eur(p.total_cents)}),
            el("button", {type: "button", "class": "primary", text: t("resume"), onclick: function () { resume(p); }})]));
        });
      });
    });
  }

  function resume(p) {
    if (state.lines.length) { say(t("park") + "?", "warn"); return; }
    api("POST", "/pos/parked/" + p.id + "/resume", {}).then(function (r) {
      if (!r.ok) { fail(r); return; }
      newSale();
      state.lines = r.data.lines.map(function (x) { return Object.assign({}, x); });
      state.parkedId = r.data.id;
      state.selected = state.lines.length - 1;
      closePanel();
      if (r.data.customer_id) pickCustomer({id: r.data.customer_id});
      say(t("resumed", {label: r.data.label}), "ok");
      changed();
    });
  }

  function help() {
    openPanel(t("help"), function (body) { body.appendChild(document.importNode($("template[data-help]").content, true)); });
  }

  // ------------------------------------------------------------------ buttons and keys

  var actions = {
    "parked": parkedList, "session": openSessionPanel, "drawer": openDrawer, "help": help,
    "remove-line": function () { removeLine(state.selected); },
    "customer": openCustomer, "pay-cash": payCash, "pay-card": function () { payOther("card"); },
    "pay-voucher": payVoucher, "pay-credit": function () { payOther("credit"); },
    "park": park, "clear": function () { if (!state.locked) { newSale(); say(""); scan.focus(); } },
    "validate": function () { validate(); }
  };
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (button && actions[button.getAttribute("data-action")]) {
      actions[button.getAttribute("data-action")]();
    } else if (!typing(event.target) && !event.target.closest("a, button, label, [data-panel], [data-step]")) {
      backToScan();
    }
  });

  var ALT = {q: "quantity", p: "price", d: "discount"};
  var ALT_ACTIONS = {c: "customer", v: "pay-voucher", a: "pay-credit", k: "park", r: "parked", s: "session",
                     o: "drawer", x: "clear", delete: "remove-line", backspace: "remove-line"};
  document.addEventListener("keydown", function (event) {
    var key = event.key;
    if (key === "F1") { event.preventDefault(); help(); return; }
    if (key === "F9") { event.preventDefault(); payCash(); return; }
    if (key === "F10") { event.preventDefault(); payOther("card"); return; }
    if (key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); validate(); return; }
    if (key === "Escape") {
      if (panelOpen()) { event.preventDefault(); closePanel(); return; }
      if (!$("[data-results]").hidden) { closeResults(); return; }
    }
    if (event.altKey && !event.ctrlKey) {
      var k = key.toLowerCase();
      if (ALT[k] && state.lines[state.selected]) {
        event.preventDefault();
        var input = $("[data-edit=" + ALT[k] + "]");
        input.focus(); input.select();
        return;
      }
      if (ALT_ACTIONS[k]) { event.preventDefault(); actions[ALT_ACTIONS[k]](); return; }
    }
    if (event.target === scan) {
      if (!$("[data-results]").hidden) {
        if (key === "ArrowDown") { event.preventDefault(); resultMove(1); return; }
        if (key === "ArrowUp") { event.preventDefault(); resultMove(-1); return; }
        if (key === "Enter" && !scan.value.trim()) { event.preventDefault(); resultPick(); return; }
      }
      if (key === "ArrowDown" && state.lines.length) { event.preventDefault(); select(Math.min(state.selected + 1, state.lines.length - 1)); return; }
      if (key === "ArrowUp" && state.lines.length) { event.preventDefault(); select(Math.max(state.selected - 1, 0)); return; }
      if (key === "Enter" && !scan.value.trim() && state.done) { event.preventDefault(); newSale(); return; }
    }
    // Typing anywhere else lands in the scan field: a scanner never loses a digit.
    if (!typing(event.target) && !panelOpen() && key.length === 1 && !event.ctrlKey && !event.altKey && !event.metaKey) {
      scan.focus();
    }
  }, true);

  renderLines(); renderTotals();
  start();
  scan.focus();
  window.equisisTill = state;  // for the browser test and a curious supervisor
})();
