/* Frontdesk chat: one small script behind the chat page and the embeddable widget.
   FrontdeskChat.mount(element, {api}) renders a conversation with the business's receptionist into
   `element`. Replies stream as server-sent events; the conversation id is kept in localStorage so a
   reload shows the same conversation. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function storageKey(api) { return "frontdesk.conversation@" + api; }

  function mount(root, options) {
    var api = (options && options.api ? options.api : "").replace(/\/$/, "");
    var channel = (options && options.channel) || "chat";
    var state = { id: null, busy: false };

    root.classList.add("fd-chat");
    var header = el("header", { "class": "fd-header" });
    var title = el("h1", { "class": "fd-title", id: "fd-title" }, "Chat");
    var restart = el("button", { "class": "fd-restart", type: "button", "aria-label": "Start a new conversation" }, "New chat");
    header.appendChild(title);
    header.appendChild(restart);
    var log = el("div", { "class": "fd-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                          "aria-labelledby": "fd-title", tabindex: "0" });
    var typing = el("div", { "class": "fd-typing", "aria-hidden": "true", hidden: "" });
    typing.appendChild(el("span")); typing.appendChild(el("span")); typing.appendChild(el("span"));
    var status = el("div", { "class": "fd-status", role: "status" });
    var form = el("form", { "class": "fd-form" });
    var label = el("label", { "for": "fd-input", "class": "fd-visually-hidden" }, "Your message");
    var input = el("textarea", { id: "fd-input", "class": "fd-input", rows: "1", maxlength: "2000",
                                 placeholder: "Type your message…", autocomplete: "off" });
    var send = el("button", { "class": "fd-send", type: "submit" }, "Send");
    form.appendChild(label); form.appendChild(input); form.appendChild(send);
    root.appendChild(header); root.appendChild(log); root.appendChild(typing);
    root.appendChild(status); root.appendChild(form);

    function bubble(role, text) {
      var item = el("div", { "class": "fd-msg fd-" + role });
      var who = el("span", { "class": "fd-visually-hidden" }, role === "customer" ? "You said: " : "Receptionist: ");
      var body = el("span", { "class": "fd-text" }, text);
      item.appendChild(who); item.appendChild(body);
      log.appendChild(item);
      log.scrollTop = log.scrollHeight;
      return body;
    }

    function setBusy(busy) {
      state.busy = busy;
      send.disabled = busy;
      typing.hidden = !busy;
      root.setAttribute("aria-busy", busy ? "true" : "false");
    }

    function request(method, path, body, accept) {
      var init = { method: method, headers: { "Accept": accept || "application/json" } };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      return fetch(api + path, init);
    }

    function errorText(response) {
      return response.json().then(function (b) { return b.error || ("Error " + response.status); },
                                   function () { return "Error " + response.status; });
    }

    function start() {
      return request("POST", "/api/conversations", { channel: channel }).then(function (r) {
        if (!r.ok) return errorText(r).then(function (t) { throw new Error(t); });
        return r.json();
      }).then(function (c) {
        state.id = c.id;
        try { localStorage.setItem(storageKey(api), c.id); } catch (e) { /* private mode */ }
        log.textContent = "";
        bubble("receptionist", c.greeting);
      });
    }

    function resume(id) {
      return request("GET", "/api/conversations/" + encodeURIComponent(id)).then(function (r) {
        if (!r.ok) return start();
        return r.json().then(function (t) {
          state.id = t.id;
          log.textContent = "";
          return request("GET", "/api/business").then(function (b) { return b.json(); }).then(function (b) {
            bubble("receptionist", b.greeting);
            t.messages.forEach(function (m) { bubble(m.role === "customer" ? "customer" : "receptionist", m.text); });
          });
        });
      });
    }

    function parseEvents(buffer, onEvent) {
      var parts = buffer.split("\n\n");
      var rest = parts.pop();
      parts.forEach(function (block) {
        var name = "message", data = "";
        block.split("\n").forEach(function (line) {
          if (line.indexOf("event:") === 0) name = line.slice(6).trim();
          else if (line.indexOf("data:") === 0) data += line.slice(5).trim();
        });
        if (data) onEvent(name, JSON.parse(data));
      });
      return rest;
    }

    function sendMessage(text) {
      bubble("customer", text);
      setBusy(true);
      status.textContent = "";
      var target = null, shown = "";
      return request("POST", "/api/conversations/" + encodeURIComponent(state.id) + "/messages", { text: text },
                     "text/event-stream").then(function (r) {
        if (!r.ok) return errorText(r).then(function (t) { throw new Error(t); });
        var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = "";
        function pump() {
          return reader.read().then(function (chunk) {
            if (chunk.done) return;
            buffer = parseEvents(buffer + decoder.decode(chunk.value, { stream: true }), function (name, data) {
              if (name === "delta") {
                if (!target) { target = bubble("receptionist", ""); typing.hidden = true; }
                shown += data.text;
                target.textContent = shown;
                log.scrollTop = log.scrollHeight;
              } else if (name === "reply") {
                if (!target) target = bubble("receptionist", "");
                target.textContent = data.text;
              } else if (name === "tool" && data.phase === "started") {
                status.textContent = "Checking our system…";
              }
            });
            return pump();
          });
        }
        return pump();
      }).catch(function (err) {
        bubble("notice", err.message || "Something went wrong; please try again.");
      }).then(function () {
        setBusy(false);
        status.textContent = "";
        input.focus();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || state.busy || !state.id) return;
      input.value = "";
      sendMessage(text);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    restart.addEventListener("click", function () { start().then(function () { input.focus(); }); });

    request("GET", "/api/business").then(function (r) { return r.json(); }).then(function (b) {
      title.textContent = b.name;
      root.style.setProperty("--fd-primary", b.primary_color);
      root.style.setProperty("--fd-accent", b.accent_color);
    }).catch(function () { /* the defaults stay */ });

    var saved = null;
    try { saved = localStorage.getItem(storageKey(api)); } catch (e) { saved = null; }
    var ready = saved ? resume(saved) : start();
    ready.catch(function (err) { bubble("notice", err.message || "The chat is unavailable right now."); });
    return { input: input, log: log };
  }

  window.FrontdeskChat = { mount: mount };
})();
