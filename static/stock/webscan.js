/* WebScan: count an inventory by scanning a location, then items (a hardware scanner types the code and Enter
   into the focused field; a phone may use its camera through the BarcodeDetector API where the browser has it).
   Scans are kept in localStorage until the server confirms them; each batch carries an idempotency key, so a
   retried send never counts twice. Every text shown comes translated from the page (data-msg-*). */
(function () {
  "use strict";
  const root = document.getElementById("webscan");
  if (!root || !document.getElementById("ws-form")) return;
  const $ = (id) => document.getElementById(id);
  const msg = (name) => root.dataset["msg" + name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || "";
  const storeKey = "equisis.webscan." + root.dataset.inventory;
  const csrf = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRF-Token": "([^"]+)"/);
  let state = JSON.parse(localStorage.getItem(storeKey) || "null") || {location: "", pending: [], key: ""};
  const code = $("ws-code"), qty = $("ws-quantity");

  function save() { localStorage.setItem(storeKey, JSON.stringify(state)); }
  function say(text, isError) { const m = $("ws-message"); m.textContent = text; m.classList.toggle("error", !!isError); }
  function newKey() {
    const bytes = new Uint8Array(12); crypto.getRandomValues(bytes);
    return "ws-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function render() {
    if (state.location) $("ws-location").textContent = msg("location") + ": " + state.location;
    const list = $("ws-pending"); list.textContent = "";
    state.pending.forEach((entry, index) => {
      const li = document.createElement("li");
      li.dataset.code = entry.code;
      const text = document.createElement("span");
      text.textContent = entry.location + " · " + entry.code + " " + (entry.label || "") + " × " + entry.quantity;
      const remove = document.createElement("button");
      remove.type = "button"; remove.textContent = "✕"; remove.setAttribute("aria-label", msg("remove"));
      remove.addEventListener("click", () => { state.pending.splice(index, 1); state.key = ""; save(); render(); refocus(); });
      li.append(text, remove); list.append(li);
    });
  }
  function refocus() { code.focus(); }
  function quantity() {
    const value = parseFloat((qty.value || "1").replace(",", "."));
    return isFinite(value) && value > 0 ? value : 1;
  }
  function addUp(a, b) { return Math.round((a + b) * 1000) / 1000; }

  async function handle(text) {
    text = (text || "").trim();
    if (!text) return;
    let answer;
    try {
      const response = await fetch(root.dataset.lookupUrl + "?code=" + encodeURIComponent(text),
                                   {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      answer = await response.json();
      if (!response.ok) { say(answer.message || text, true); return; }
    } catch (error) { say(msg("offline"), true); return; }
    if (answer.kind === "location") {
      state.location = answer.code; save(); render(); say(""); return;
    }
    if (!state.location) { say(msg("location-first"), true); return; }
    const last = state.pending[state.pending.length - 1];
    const amount = quantity();
    if (last && last.code === answer.code && last.location === state.location) {
      last.quantity = addUp(last.quantity, amount);
    } else {
      state.pending.push({code: answer.code, label: answer.label, location: state.location, quantity: amount});
    }
    state.key = ""; qty.value = "1"; save(); render(); say(answer.code + " +" + amount);
  }

  async function send() {
    if (!state.pending.length) { say(msg("nothing"), true); return; }
    state.key = state.key || newKey(); save();
    const body = {key: state.key, counts: state.pending.map((e) => ({code: e.code, location: e.location,
                                                                   quantity: String(e.quantity)}))};
    try {
      const response = await fetch(root.dataset.submitUrl, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRF-Token": csrf ? csrf[1] : ""}, body: JSON.stringify(body)});
      const answer = await response.json();
      if (!response.ok) {
        const details = (answer.problems || []).map((p) => p.message).join(" ");
        say((answer.message || "") + " " + details, true); return;
      }
      state.pending = []; state.key = ""; save(); render(); say(msg("saved"));
    } catch (error) { say(msg("offline"), true); }
  }

  $("ws-form").addEventListener("submit", (event) => {
    event.preventDefault(); const text = code.value; code.value = ""; handle(text); refocus();
  });
  $("ws-plus").addEventListener("click", () => { qty.value = String(addUp(quantity(), 1)); refocus(); });
  $("ws-minus").addEventListener("click", () => { qty.value = String(Math.max(1, addUp(quantity(), -1))); refocus(); });
  $("ws-send").addEventListener("click", send);

  // A scanner typing while the focus is elsewhere (after a tap on a button): fast keys then Enter.
  let buffer = "", lastKey = 0;
  document.addEventListener("keydown", (event) => {
    if (event.target === code || event.target === qty) return;
    const now = Date.now();
    if (now - lastKey > 80) buffer = "";
    lastKey = now;
    if (event.key === "Enter") { if (buffer.length > 2) { event.preventDefault(); handle(buffer); } buffer = ""; return; }
    if (event.key.length === 1) buffer += event.key;
  });

  // The phone camera, where the browser reads barcodes itself; elsewhere typing and scanners still work.
  const camera = $("ws-camera");
  if ("BarcodeDetector" in window && navigator.mediaDevices) {
    camera.hidden = false;
    let running = false;
    camera.addEventListener("click", async () => {
      const video = $("ws-video");
      if (running) { running = false; video.srcObject && video.srcObject.getTracks().forEach((t) => t.stop()); video.hidden = true; return; }
      try {
        const detector = new window.BarcodeDetector({formats: ["ean_13", "ean_8", "code_128", "code_39", "qr_code"]});
        video.srcObject = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
        video.hidden = false; await video.play(); running = true;
        let lastSeen = "", lastAt = 0;
        const tick = async () => {
          if (!running) return;
          try {
            const found = await detector.detect(video);
            if (found.length) {
              const value = found[0].rawValue, now = Date.now();
              if (value !== lastSeen || now - lastAt > 1500) { lastSeen = value; lastAt = now; await handle(value); }
            }
          } catch (error) { /* a frame that cannot be read */ }
          requestAnimationFrame(tick);
        };
        tick();
      } catch (error) { say(msg("camera-off"), true); }
    });
  }
  render();
  refocus();
})();
