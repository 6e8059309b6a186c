// Session timeout warning (WCAG 2.2.1 Timing Adjustable): shortly before the
// idle session expires, offer to extend it; when it has expired, go to login.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.dataset.sessionSeconds || "0", 10);
  var fullSeconds = parseInt(body.dataset.sessionFullSeconds || "0", 10) || seconds;
  var warnBefore = parseInt(body.dataset.sessionWarnSeconds || "120", 10);
  var extendUrl = body.dataset.sessionExtendUrl;
  var loginUrl = body.dataset.loginUrl;
  var panel = document.getElementById("naast-session-warning");
  if (!seconds || !extendUrl || !panel) { return; }
  var warnTimer, expireTimer;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(warn, Math.max(0, (seconds - warnBefore) * 1000));
    expireTimer = setTimeout(expire, seconds * 1000);
  }
  function warn() {
    panel.hidden = false;
    var button = panel.querySelector("[data-session-extend]");
    if (button) { button.focus(); }
  }
  function expire() {
    window.location.href = loginUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return match ? decodeURIComponent(match[1]) : (field ? field.value : "");
  }
  panel.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) {
        seconds = fullSeconds;
        panel.hidden = true;
        var status = document.getElementById("naast-live");
        if (status) { status.textContent = panel.dataset.extendedText || ""; }
        schedule();
      } else {
        expire();
      }
    }, expire);
  });
  // Any server round trip (page load or htmx request) restarts the idle clock;
  // the server says how many seconds are really left (it writes the clock at
  // most once a minute).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var left = xhr ? parseInt(xhr.getResponseHeader("Naast-Session-Seconds") || "", 10) : NaN;
    if (!isNaN(left)) { seconds = left; }
    schedule();
  });
  schedule();
})();
