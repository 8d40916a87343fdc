/* Frontdesk chat widget. Paste on any page of a site listed in FRONTDESK_WEB_ALLOWED_ORIGINS:
     <script src="https://chat.example.com/widget.js" data-label="Chat with us" defer></script>
   It adds a button that opens the chat in a panel; styles stay inside a shadow root. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;
  var label = script.getAttribute("data-label") || "Chat with us";
  var host = document.createElement("div");
  host.id = "frontdesk-widget";
  document.body.appendChild(host);
  var shadow = host.attachShadow({ mode: "open" });
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = origin + "/static/chat.css";
  shadow.appendChild(css);
  var style = document.createElement("style");
  style.textContent =
    ".fd-launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;" +
    "padding:12px 18px;font:600 15px system-ui,sans-serif;color:#fff;background:#1f6feb;cursor:pointer;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
    ".fd-panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:min(380px,calc(100vw - 24px));" +
    "height:min(560px,calc(100vh - 100px));border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    ".fd-panel[hidden]{display:none}" +
    "@media (max-width:480px){.fd-panel{right:0;top:0;bottom:auto;width:100vw;height:calc(100vh - 76px);border-radius:0}}";
  shadow.appendChild(style);
  var button = document.createElement("button");
  button.className = "fd-launcher";
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "fd-panel");
  var panel = document.createElement("div");
  panel.className = "fd-panel";
  panel.id = "fd-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", label);
  panel.hidden = true;
  shadow.appendChild(panel);
  shadow.appendChild(button);
  var mounted = null;
  fetch(origin + "/api/business").then(function (r) { return r.json(); }).then(function (b) {
    button.style.background = b.primary_color;
  }).catch(function () { /* keep the default colour */ });

  function load(callback) {
    if (window.FrontdeskChat) return callback();
    var s = document.createElement("script");
    s.src = origin + "/static/chat.js";
    s.onload = callback;
    document.head.appendChild(s);
  }

  button.addEventListener("click", function () {
    var open = panel.hidden;
    panel.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.textContent = open ? "Close chat" : label;
    if (open) {
      load(function () {
        if (!mounted) mounted = window.FrontdeskChat.mount(panel, { api: origin, channel: "widget" });
        mounted.input.focus();
      });
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.textContent = label;
      button.focus();
    }
  });
})();
