/*
 * Klimapartner widget: shows a climate partnership programme's partners on another website.
 *
 *   <div data-klimapartner-widget data-lang="da" data-show="count,partners,winners"
 *        data-heading-level="2"><a href="https://<host>/directory/">Our partners</a></div>
 *   <script src="https://<host>/widget/embed.js" async></script>
 *
 * data-lang: the language (default: the page's <html lang>; the programme's primary one if
 * it does not offer it). data-show: any of count, partners, winners (default: the
 * programme's choice). data-heading-level: 1-6 (default 2). data-winners: at most this many
 * award winners. The data comes from https://<host>/api/v1/widget/ (CORS: only from the
 * websites the programme's administrators listed). Everything is written with textContent
 * and checked links, never as HTML; the styles are scoped to .kp-widget and inherit the
 * page's fonts and colours. Whatever was inside the element stays if the data cannot be
 * loaded.
 */
(function () {
  "use strict";

  var SELECTOR = "[data-klimapartner-widget]";
  var SHOWABLE = ["count", "partners", "winners"];
  var STYLE_ID = "kp-widget-style";
  var CSS = [
    ".kp-widget{font:inherit;color:inherit;line-height:1.5}",
    ".kp-widget__title,.kp-widget__subtitle{margin:0 0 .5em;line-height:1.25}",
    ".kp-widget__count{margin:0 0 .75em;font-weight:600}",
    ".kp-widget__partners,.kp-widget__winners{list-style:none;margin:0 0 1em;padding:0}",
    ".kp-widget__partners{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.25em 1em}",
    ".kp-widget__partners a{display:inline-flex;align-items:center;gap:.5em}",
    ".kp-widget__partners img{max-height:2em;max-width:4em;object-fit:contain}",
    ".kp-widget__winners li{margin:.25em 0}",
    ".kp-widget__more{margin:0}",
    ".kp-widget a:focus-visible{outline:3px solid #f0b400;outline-offset:2px}"
  ].join("\n");

  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, document.baseURI).origin : "";
  var requests = {};
  var counter = 0;

  function safeUrl(value) {
    try {
      var url = new URL(String(value));
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", null, text);
    var safe = safeUrl(href);
    if (safe) {
      anchor.href = safe;
    }
    return anchor;
  }

  function language(container) {
    var code = container.getAttribute("data-lang") ||
      document.documentElement.getAttribute("lang") || "";
    return code.split("-")[0].toLowerCase();
  }

  function sourceOrigin(container) {
    var source = container.getAttribute("data-source");
    if (source) {
      var safe = safeUrl(source);
      if (safe) {
        return new URL(safe).origin;
      }
    }
    return scriptOrigin || window.location.origin;
  }

  function load(origin, code) {
    var url = origin + "/api/v1/widget/" + (code ? "?lang=" + encodeURIComponent(code) : "");
    if (!requests[url]) {
      requests[url] = fetch(url, { mode: "cors", credentials: "omit" }).then(function (response) {
        if (!response.ok) {
          throw new Error("Klimapartner widget: " + response.status + " from " + url);
        }
        return response.json();
      });
    }
    return requests[url];
  }

  function shown(container, data) {
    var asked = (container.getAttribute("data-show") || "").split(/[\s,]+/);
    var chosen = SHOWABLE.filter(function (name) { return asked.indexOf(name) !== -1; });
    return chosen.length ? chosen : (data.show || SHOWABLE);
  }

  function headingLevel(container) {
    var level = parseInt(container.getAttribute("data-heading-level"), 10);
    return level >= 1 && level <= 6 ? level : 2;
  }

  function addStyle() {
    if (document.getElementById(STYLE_ID)) {
      return;
    }
    var style = element("style", null, CSS);
    style.id = STYLE_ID;
    (document.head || document.documentElement).appendChild(style);
  }

  function render(container, data) {
    var texts = data.texts || {};
    var show = shown(container, data);
    var level = headingLevel(container);
    var id = "kp-widget-title-" + (++counter);
    var section = element("section", "kp-widget");
    section.setAttribute("lang", data.language || "");
    section.setAttribute("aria-labelledby", id);

    var title = element("h" + level, "kp-widget__title", texts.heading);
    title.id = id;
    section.appendChild(title);

    if (show.indexOf("count") !== -1) {
      section.appendChild(element("p", "kp-widget__count", texts.count));
    }
    if (show.indexOf("partners") !== -1) {
      var partners = data.partners || [];
      if (partners.length) {
        var list = element("ul", "kp-widget__partners");
        list.setAttribute("aria-label", texts.partners || "");
        partners.forEach(function (partner) {
          var anchor = link(partner.url, null);
          var logo = safeUrl(partner.logo);
          if (logo) {
            var image = element("img");
            image.src = logo;
            image.alt = "";
            image.loading = "lazy";
            anchor.appendChild(image);
          }
          anchor.appendChild(element("span", null, partner.name));
          var item = element("li");
          item.appendChild(anchor);
          list.appendChild(item);
        });
        section.appendChild(list);
      } else {
        section.appendChild(element("p", null, texts.no_partners));
      }
    }
    var winners = data.winners || [];
    var most = parseInt(container.getAttribute("data-winners"), 10);
    if (most >= 0) {
      winners = winners.slice(0, most);
    }
    if (show.indexOf("winners") !== -1 && winners.length) {
      section.appendChild(element("h" + Math.min(level + 1, 6), "kp-widget__subtitle", texts.winners));
      var awards = element("ul", "kp-widget__winners");
      winners.forEach(function (winner) {
        var item = element("li", null, winner.label + ": ");
        item.appendChild(link(winner.url, winner.partner));
        awards.appendChild(item);
      });
      section.appendChild(awards);
    }
    var more = element("p", "kp-widget__more");
    more.appendChild(link(data.directory_url, texts.all_partners));
    section.appendChild(more);

    while (container.firstChild) {
      container.removeChild(container.firstChild);
    }
    container.appendChild(section);
    container.setAttribute("data-klimapartner-state", "ready");
  }

  function start() {
    var containers = document.querySelectorAll(SELECTOR);
    if (containers.length) {
      addStyle();
    }
    Array.prototype.forEach.call(containers, function (container) {
      if (container.getAttribute("data-klimapartner-state")) {
        return; // drawn already (the script was included twice)
      }
      container.setAttribute("data-klimapartner-state", "loading");
      container.setAttribute("aria-busy", "true");
      load(sourceOrigin(container), language(container)).then(
        function (data) {
          render(container, data);
          container.removeAttribute("aria-busy");
        },
        function (error) {
          container.setAttribute("data-klimapartner-state", "error");
          container.removeAttribute("aria-busy");
          if (window.console) {
            window.console.warn(error);
          }
        }
      );
    });
  }

  window.KlimapartnerWidget = { render: start };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
