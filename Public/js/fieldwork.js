// Offline interviews (progressive enhancement: without this script the form posts as usual).
// The service worker keeps the interview form available without network; each interview is
// kept on this device (localStorage) until the server has acknowledged it, and sent with an
// idempotency key so that a resend never records it twice. A form half-filled is kept too.
(function () {
  "use strict";

  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  function claimCode() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    var out = "";
    for (var i = 0; i < 16; i++) {
      if (i > 0 && i % 4 === 0) out += "-";
      out += ALPHABET[bytes[i] % 32]; // 256 is a multiple of 32: every character equally likely
    }
    return out;
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function load(name) {
    try { return JSON.parse(localStorage.getItem(name) || "null"); } catch (e) { return null; }
  }

  function store(name, value) {
    if (value === null) localStorage.removeItem(name); else localStorage.setItem(name, JSON.stringify(value));
  }

  function plural(element, count) {
    var text = count === 0 && element.dataset.zero ? element.dataset.zero : (count === 1 ? element.dataset.one : element.dataset.other);
    return (text || "").replace("{count}", String(count));
  }

  // Keys shared by the interview page and the fieldwork home (same community).
  function queueName(action) { return "terreau:queue:" + action; }
  function draftName(action) { return "terreau:draft:" + action; }

  function registerWorker(url, scope) {
    if (!("serviceWorker" in navigator) || !url) return;
    navigator.serviceWorker.register(url, { scope: scope }).catch(function () { /* online use still works */ });
  }

  // The fieldwork home: what waits on this device.
  var status = document.querySelector("[data-device-status]");
  if (status) {
    var action = status.dataset.scope.replace(/entretien$/, "entretiens");
    var queued = (load(queueName(action)) || []).length;
    var drafts = load(draftName(action)) ? 1 : 0;
    status.querySelector("[data-device-queue]").textContent = plural(status.querySelector("[data-device-queue]"), queued);
    status.querySelector("[data-device-drafts]").textContent = plural(status.querySelector("[data-device-drafts]"), drafts);
    status.hidden = false;
  }

  var form = document.querySelector("form[data-offline]");
  if (!form) return;
  registerWorker(form.dataset.worker, form.dataset.scope);

  var action = form.getAttribute("action");
  var panel = document.querySelector("[data-offline-status]");
  var counter = panel.querySelector("[data-queue-count]");
  var connection = panel.querySelector("[data-connection]");
  var slip = document.querySelector("[data-slip]");
  var sending = false;
  panel.hidden = false;

  function queue() { return load(queueName(action)) || []; }

  function showCount(note) {
    counter.textContent = plural(counter, queue().length);
    connection.textContent = note || (navigator.onLine ? connection.dataset.online : connection.dataset.offline);
  }

  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) { pairs.push([name, String(value)]); });
    return pairs;
  }

  // A half-filled interview survives a closed tab or a dead battery.
  function saveDraft() { store(draftName(action), fields().filter(function (p) { return p[0] !== "_csrf"; })); }

  function restoreDraft() {
    var saved = load(draftName(action));
    if (!saved) return;
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (input) { input.checked = false; });
    saved.forEach(function (pair) {
      var inputs = form.querySelectorAll("[name=\"" + pair[0].replace(/"/g, "") + "\"]");
      inputs.forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.value === pair[1]) input.checked = true;
        } else if (input.type !== "hidden" || pair[0] === "assignment") {
          input.value = pair[1];
        }
      });
    });
  }

  function token() { return form.querySelector("input[name=_csrf]").value; }

  // After a failed send the queue tries again by itself, sooner first: a connection that comes
  // back without the browser noticing (no « online » event) still empties it.
  var retry = null, retryDelay = 5000;
  function retryLater() {
    if (retry) return;
    retry = setTimeout(function () { retry = null; flush(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }

  // Sends what waits, one by one, oldest first; stops at the first network failure.
  function flush() {
    if (sending || !navigator.onLine) { showCount(); return; }
    var items = queue();
    if (items.length === 0) { showCount(); return; }
    sending = true;
    var item = items[0];
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[0] === "_csrf" ? token() : pair[1]); });
    fetch(action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": token() }
    }).then(function (response) {
      sending = false;
      retryDelay = 5000;
      if (response.status === 200 || response.status === 201) {
        store(queueName(action), queue().filter(function (other) { return other.key !== item.key; }));
        flush();
      } else if (response.status === 401 || response.status === 403 || response.redirected) {
        showCount(connection.dataset.signin);
      } else if (response.status === 422) {
        // Kept, set aside at the end of the queue, and said: nothing is ever dropped.
        var rest = queue().filter(function (other) { return other.key !== item.key; });
        item.refused = true;
        rest.push(item);
        store(queueName(action), rest);
        showCount(connection.dataset.refused);
      } else {
        showCount();
      }
    }).catch(function () {
      sending = false;
      showCount();
      retryLater();
    });
  }

  form.addEventListener("input", saveDraft);
  form.addEventListener("change", saveDraft);

  form.addEventListener("submit", function (event) {
    if (!form.checkValidity()) return; // the browser says what is missing; the server checks again
    event.preventDefault();
    var code = claimCode();
    var key = newKey();
    var pairs = fields().map(function (pair) {
      if (pair[0] === "idempotency_key") return [pair[0], key];
      if (pair[0] === "claim_code") return [pair[0], code];
      return pair;
    });
    var items = queue();
    items.push({ key: key, fields: pairs, savedAt: new Date().toISOString() });
    store(queueName(action), items);
    store(draftName(action), null);
    form.reset();
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (input) { input.checked = false; });
    slip.querySelector("[data-slip-code]").textContent = code;
    slip.hidden = false;
    slip.scrollIntoView();
    showCount();
    flush();
  });

  panel.querySelector("[data-send-now]").addEventListener("click", flush);
  panel.querySelector("[data-clear-draft]").addEventListener("click", function () {
    store(draftName(action), null);
    form.reset();
  });
  var print = slip.querySelector("[data-print]");
  if (print) print.addEventListener("click", function () { window.print(); });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { showCount(); });
  restoreDraft();
  showCount();
  flush();
})();
