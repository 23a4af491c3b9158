// The fieldwork's service worker: its scope is the community's /enquete/ address. It keeps a
// copy of the interview form and of the assets it needs, refreshed at every online visit, and
// answers with that copy when the network is gone. It never caches answers: those wait in the
// page's own queue until the server acknowledges them.
"use strict";

var CACHE = "terreau-fieldwork-v1";
var scope = new URL(self.registration.scope).pathname;
var FORM = scope + "entretien";
var ASSETS = ["/css/terreau.css", "/js/fieldwork.js", "/favicon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS.concat([FORM]));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheable(url) {
  return url.origin === self.location.origin && (url.pathname === FORM || ASSETS.indexOf(url.pathname) >= 0);
}

// Network first (the form stays current: questionnaire version, CSRF token), the copy when
// offline.
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (!cacheable(url)) return;
  var key = url.origin + url.pathname;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key).then(function (cached) { return cached || Response.error(); });
  }));
});
