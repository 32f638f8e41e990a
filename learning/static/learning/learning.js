/* Learning pages, progressive enhancement only: every form here also works without this script.
   - quiz: saves each answer as it changes (and keeps a copy in the browser until the server has it),
     counts the time down;
   - password exercise: live strength meter (the server measures; nothing is stored);
   - prompt templates: fills the prompt as fields are typed, copies it. */
(function () {
  "use strict";

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body, token) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "fetch" }
    });
  }

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  /* ---- quiz autosave ---- */
  function slotOf(el) {
    var m = /^(s\d+)/.exec(el.name || "");
    return m ? m[1] : null;
  }

  function slotData(form, slot) {
    var data = new FormData();
    data.append(slot + "-present", "1");
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || slotOf(el) !== slot) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      data.append(el.name, el.value);
    });
    return data;
  }

  function snapshot(form, slot) {
    var out = {};
    slotData(form, slot).forEach(function (v, k) { (out[k] = out[k] || []).push(v); });
    return out;
  }

  function restore(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in values)) return;
      var vals = values[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = vals.indexOf(el.value) !== -1;
      else el.value = vals[0];
    });
  }

  function initQuiz(form) {
    var url = form.dataset.saveUrl;
    var key = "hocvuso-attempt-" + form.dataset.attempt;
    var status = form.querySelector("[data-status]");
    var pending = {};
    try { pending = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { pending = {}; }

    function say(text) { if (status) status.textContent = text; }
    function keep() { try { localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* full or private */ } }

    function send(slot) {
      var body = new FormData();
      var values = pending[slot] || {};
      body.append(slot + "-present", "1");
      Object.keys(values).forEach(function (k) { values[k].forEach(function (v) { body.append(k, v); }); });
      say(form.dataset.saving);
      return post(url, body, csrf(form)).then(function (r) {
        if (r.status === 409) {
          return r.json().then(function (j) { delete pending[slot]; keep(); window.location = j.result; });
        }
        if (!r.ok) throw new Error(r.status);
        delete pending[slot];
        keep();
        var now = new Date();
        say(form.dataset.saved + " " + now.toTimeString().slice(0, 5));
      }).catch(function () {
        say(form.dataset.offline);
        setTimeout(function () { if (pending[slot]) send(slot); }, 5000);
      });
    }

    // Answers typed while the connection was down come back after a reload and are sent again.
    Object.keys(pending).forEach(function (slot) { restore(form, pending[slot]); send(slot); });

    var later = {};
    function changed(e) {
      var slot = slotOf(e.target);
      if (!slot) return;
      pending[slot] = snapshot(form, slot);
      keep();
      later[slot] = later[slot] || debounce(function () { send(slot); }, 600);
      later[slot]();
    }
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    window.addEventListener("online", function () { Object.keys(pending).forEach(send); });
    form.addEventListener("submit", function () { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } });

    var timer = form.querySelector("[data-remaining]");
    if (timer) {
      var end = Date.now() + 1000 * parseInt(timer.dataset.remaining, 10);
      var tick = function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        if (left === 0) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "action"; hidden.value = "submit-confirmed";
          form.appendChild(hidden);
          form.submit();
          return;
        }
        setTimeout(tick, 1000);
      };
      tick();
    }
  }

  /* ---- password meter ---- */
  function initPassword(form) {
    var input = form.querySelector("input[name=password]");
    var out = document.getElementById(form.dataset.output);
    var tpl = document.getElementById(form.dataset.template);
    if (!input || !out || !tpl) return;
    var check = debounce(function () {
      if (!input.value) { out.innerHTML = ""; return; }
      var body = new FormData();
      body.append("password", input.value);
      post(form.dataset.checkUrl, body, csrf(form)).then(function (r) { return r.json(); }).then(function (rep) {
        if (rep.empty) { out.innerHTML = ""; return; }
        var node = tpl.content.cloneNode(true);
        var box = node.querySelector(".strength");
        box.className = "strength s" + rep.score;
        node.querySelector("[data-label]").textContent = rep.label;
        node.querySelector("[data-meaning]").textContent = rep.meaning;
        node.querySelector("[data-online]").textContent = rep.time_online;
        node.querySelector("[data-offline]").textContent = rep.time_offline;
        var list = node.querySelector("[data-reasons]");
        (rep.warning ? [rep.warning] : []).concat(rep.reasons).forEach(function (t) {
          var li = document.createElement("li"); li.textContent = t; list.appendChild(li);
        });
        var tips = node.querySelector("[data-tips]");
        rep.tips.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; tips.appendChild(li); });
        out.innerHTML = "";
        out.appendChild(node);
      }).catch(function () { /* the button still works */ });
    }, 350);
    input.addEventListener("input", check);
  }

  /* ---- prompt templates ---- */
  function copyText(text, button) {
    var done = function () {
      var old = button.textContent;
      button.textContent = button.dataset.copied;
      setTimeout(function () { button.textContent = old; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
    } else { fallback(text); done(); }
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }

  function initPrompt(form) {
    var template = form.dataset.prompt;
    var out = form.querySelector("textarea[data-output]");
    var fill = function () {
      var text = template;
      Array.prototype.forEach.call(form.querySelectorAll("[data-field]"), function (el) {
        var v = el.value.trim();
        text = text.split("{" + el.name + "}").join(v || "[" + el.dataset.label + "]");
      });
      out.value = text;
    };
    form.addEventListener("input", fill);
    fill();
    var button = form.querySelector("[data-copy]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function (e) { e.preventDefault(); fill(); copyText(out.value, button); });
    }
  }

  document.querySelectorAll("form[data-autosave]").forEach(initQuiz);
  document.querySelectorAll("form[data-password]").forEach(initPassword);
  document.querySelectorAll("form[data-prompt]").forEach(initPrompt);
})();
